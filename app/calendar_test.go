package app

import (
	"testing"
	"time"
)

// The Solar Hijri dates of known days: new years either side of a leap year, the
// last day of a leap Esfand, and days in each half of the year.
func TestToPersian(t *testing.T) {
	tests := []struct {
		name      string
		gregorian string
		y, m, d   int
	}{
		{"Nowruz 1403", "2024-03-20", 1403, 1, 1},
		{"Nowruz 1404", "2025-03-21", 1404, 1, 1},
		{"Nowruz 1405", "2026-03-21", 1405, 1, 1},
		{"Nowruz 1400", "2021-03-21", 1400, 1, 1},
		{"Nowruz 1399", "2020-03-20", 1399, 1, 1},
		{"Nowruz 1398", "2019-03-21", 1398, 1, 1},
		{"Nowruz 1396", "2017-03-21", 1396, 1, 1},
		{"Nowruz 1395", "2016-03-20", 1395, 1, 1},
		{"Nowruz 1358", "1979-03-21", 1358, 1, 1},
		{"last day of leap 1403", "2025-03-20", 1403, 12, 30},
		{"last day of 1402", "2024-03-19", 1402, 12, 29},
		{"last day of Shahrivar", "2024-09-21", 1403, 6, 31},
		{"first day of Mehr", "2024-09-22", 1403, 7, 1},
		{"Yalda night", "2024-12-20", 1403, 9, 30},
		{"first day of Dey", "2024-12-21", 1403, 10, 1},
		{"22 Bahman 1357", "1979-02-11", 1357, 11, 22},
		{"13 Aban 1358", "1979-11-04", 1358, 8, 13},
		{"12 Farvardin 1358", "1979-04-01", 1358, 1, 12},
		{"Nowruz 1300", "1921-03-21", 1300, 1, 1},
		{"1 Farvardin 1380", "2001-03-21", 1380, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := time.Parse(time.DateOnly, tt.gregorian)
			if err != nil {
				t.Fatal(err)
			}
			// The day counts, not the hour or the zone: late evening in Tehran is
			// the same day.
			g = time.Date(g.Year(), g.Month(), g.Day(), 23, 59, 0, 0, time.FixedZone("IRST", 3*3600+1800))
			y, m, d := toPersian(g)
			if y != tt.y || m != tt.m || d != tt.d {
				t.Errorf("toPersian(%s) = %d/%d/%d, want %d/%d/%d", tt.gregorian, y, m, d, tt.y, tt.m, tt.d)
			}
		})
	}
}

// Every day from 1300 to 1500 follows the one before: no day is skipped or repeated.
func TestToPersianContinuous(t *testing.T) {
	day := time.Date(1921, time.March, 21, 12, 0, 0, 0, time.UTC)
	py, pm, pd := toPersian(day)
	for py < 1500 {
		day = day.AddDate(0, 0, 1)
		y, m, d := toPersian(day)
		next := (y == py && m == pm && d == pd+1) || (y == py && m == pm+1 && d == 1) || (y == py+1 && m == 1 && d == 1 && pm == 12)
		if !next {
			t.Fatalf("%s is %d/%d/%d, after %d/%d/%d", day.Format(time.DateOnly), y, m, d, py, pm, pd)
		}
		py, pm, pd = y, m, d
	}
}
