package config

import (
	"fmt"
	"slices"
	"strings"
)

// The config data model (libsession src/config.cpp): a dict whose values are scalars
// (int64 or string), sets (a List, sorted with ints before strings, unique, never empty)
// or dicts (never empty). Empty sets and dicts are pruned before a message is written.

func isScalar(v any) bool {
	switch v.(type) {
	case int64, string:
		return true
	}
	return false
}

// compareScalar orders scalars as libsession's std::variant<int64_t, std::string> does:
// every int before every string, ints by value, strings by bytes.
func compareScalar(a, b any) int {
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	switch {
	case aInt && bInt:
		switch {
		case ai < bi:
			return -1
		case ai > bi:
			return 1
		}
		return 0
	case aInt:
		return -1
	case bInt:
		return 1
	}
	return strings.Compare(a.(string), b.(string))
}

// kind is the fundamental type libsession diffs by: scalar, set or dict.
func kind(v any) int {
	switch v.(type) {
	case List:
		return 1
	case Dict:
		return 2
	}
	return 0
}

// setInsert adds x to the sorted set s.
func setInsert(s List, x any) List {
	i, found := slices.BinarySearchFunc(s, x, compareScalar)
	if found {
		return s
	}
	return slices.Insert(s, i, x)
}

// setRemove removes x from the sorted set s.
func setRemove(s List, x any) List {
	i, found := slices.BinarySearchFunc(s, x, compareScalar)
	if !found {
		return s
	}
	return slices.Delete(s, i, i+1)
}

// deepCopy copies a data or diff value so that edits of one message leave another alone.
func deepCopy(v any) any {
	switch x := v.(type) {
	case List:
		c := make(List, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	case Dict:
		return copyDict(x)
	}
	return v
}

func copyDict(d Dict) Dict {
	c := make(Dict, len(d))
	for k, v := range d {
		c[k] = deepCopy(v)
	}
	return c
}

// prune removes empty sets and dicts below d (libsession prune_); d itself stays.
func prune(d Dict) {
	for k, v := range d {
		switch x := v.(type) {
		case List:
			if len(x) == 0 {
				delete(d, k)
			}
		case Dict:
			prune(x)
			if len(x) == 0 {
				delete(d, k)
			}
		}
	}
}

// parseData checks that v, decoded from a message's "&", follows the data rules
// (libsession parse_data): no empty dicts below the top, sets of sorted unique scalars.
// Key order was already checked by the bencode reader.
func parseData(d Dict, top bool) error {
	if !top && len(d) == 0 {
		return fmt.Errorf("%w: empty dict in data", ErrParse)
	}
	for _, v := range d {
		switch x := v.(type) {
		case Dict:
			if err := parseData(x, false); err != nil {
				return err
			}
		case List:
			if len(x) == 0 {
				return fmt.Errorf("%w: empty set in data", ErrParse)
			}
			if err := checkSet(x); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkSet(s List) error {
	for i, e := range s {
		if !isScalar(e) {
			return fmt.Errorf("%w: set with a non-scalar value", ErrParse)
		}
		if i > 0 && compareScalar(s[i-1], e) >= 0 {
			return fmt.Errorf("%w: unsorted set or duplicates", ErrParse)
		}
	}
	return nil
}

// checkDiff validates a diff (libsession load_diff): "" assigns, "-" removes, a list is
// [added, removed] of sorted scalars, a dict recurses.
func checkDiff(d Dict, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: diff nested too deeply", ErrParse)
	}
	for _, v := range d {
		switch x := v.(type) {
		case string:
			if x != "" && x != "-" {
				return fmt.Errorf("%w: invalid diff value", ErrParse)
			}
		case List:
			if len(x) != 2 {
				return fmt.Errorf("%w: set diff is not two lists", ErrParse)
			}
			for _, sub := range x {
				l, ok := sub.(List)
				if !ok {
					return fmt.Errorf("%w: set diff is not two lists", ErrParse)
				}
				if err := checkSet(l); err != nil {
					return err
				}
			}
		case Dict:
			if err := checkDiff(x, depth+1); err != nil {
				return err
			}
		default:
			// oxenc's load_diff has no case for an integer; libsession cannot load it either.
			return fmt.Errorf("%w: integer in a diff", ErrParse)
		}
	}
	return nil
}

// diffData is libsession's diff_impl for dicts: what changed from old to new, or nil if
// nothing did.
func diffData(old, new Dict) Dict {
	df := Dict{}
	for k, o := range old {
		n, ok := new[k]
		if !ok {
			df[k] = removedDiff(o)
			continue
		}
		if kind(o) != kind(n) {
			// A change of fundamental type is written as a new value, which deletes the
			// old one when merged.
			df[k] = addedDiff(n)
			continue
		}
		switch ov := o.(type) {
		case Dict:
			if sub := diffData(ov, n.(Dict)); sub != nil {
				df[k] = sub
			}
		case List:
			if sub := diffSet(ov, n.(List)); sub != nil {
				df[k] = sub
			}
		default:
			if compareScalar(o, n) != 0 {
				df[k] = ""
			}
		}
	}
	for k, n := range new {
		if _, ok := old[k]; !ok {
			df[k] = addedDiff(n)
		}
	}
	if len(df) == 0 {
		return nil
	}
	return df
}

func removedDiff(o any) any {
	switch x := o.(type) {
	case Dict:
		return diffData(x, Dict{})
	case List:
		return diffSet(x, nil)
	}
	return "-"
}

func addedDiff(n any) any {
	switch x := n.(type) {
	case Dict:
		return diffData(Dict{}, x)
	case List:
		return diffSet(nil, x)
	}
	return ""
}

// diffSet is diff_impl for sets: [[added…], [removed…]], or nil if equal.
func diffSet(old, new List) any {
	added, removed := List{}, List{}
	i, j := 0, 0
	for i < len(old) || j < len(new) {
		switch {
		case i == len(old) || (j < len(new) && compareScalar(new[j], old[i]) < 0):
			added = append(added, new[j])
			j++
		case j == len(new) || compareScalar(old[i], new[j]) < 0:
			removed = append(removed, old[i])
			i++
		default:
			i++
			j++
		}
	}
	if len(added) == 0 && len(removed) == 0 {
		return nil
	}
	return List{added, removed}
}

// applyDiff is libsession's apply_diff: replay diff onto data, taking assigned values from
// source, the data of the message that carried the diff. Empty sets and dicts are left
// for prune.
func applyDiff(data, diff, source Dict) {
	for k, v := range diff {
		sv, ok := source[k]
		_, isStr := v.(string)
		_, isSet := v.(List)
		_, isDict := v.(Dict)
		if !ok || (isStr && !isScalar(sv)) || (isSet && kind(sv) != 1) || (isDict && kind(sv) != 2) {
			// The value is gone from, or has another type in, the source: a later diff
			// removes or retypes it, and deleting it now keeps a dict → 42 → dict history
			// from merging the two dicts.
			delete(data, k)
			continue
		}
		switch x := v.(type) {
		case string:
			if x == "-" {
				delete(data, k)
			} else {
				data[k] = sv
			}
		case Dict:
			sub, ok := data[k].(Dict)
			if !ok {
				sub = Dict{}
				data[k] = sub
			}
			applyDiff(sub, x, sv.(Dict))
		case List:
			set, ok := data[k].(List)
			if !ok {
				set = List{}
			}
			set = slices.Clone(set)
			for _, a := range x[0].(List) {
				set = setInsert(set, a)
			}
			for _, r := range x[1].(List) {
				set = setRemove(set, r)
			}
			data[k] = set
		}
	}
}
