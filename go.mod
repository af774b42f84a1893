module allium

go 1.26.0

require (
	filippo.io/edwards25519 v1.2.0
	github.com/BurntSushi/toml v1.6.0
	go.etcd.io/bbolt v1.4.3
	golang.org/x/crypto v0.59.0
	google.golang.org/protobuf v1.36.12
)

require (
	fyne.io/fyne/v2 v2.7.1 // indirect
	github.com/makiuchi-d/gozxing v0.1.1 // indirect
	github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1 // indirect
)
