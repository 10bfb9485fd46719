package hub

import (
	"encoding/json"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// FuzzDecodeClientFrame: any bytes a client sends give a frame or an
// invalid error, never a panic; a decoded frame encodes back to the same.
func FuzzDecodeClientFrame(f *testing.F) {
	for _, s := range []string{`{"type":"subscribe","ref":"r1","scope":"meeting:12","epoch":"k3v9","last_seq":41}`,
		`{"type":"ping"}`, `{"type":"unsubscribe","scope":"body:1"}`, `{`, `[]`, `{"type":"subscribe","x":1}`, `{"type":"ping"}{}`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := decodeClientFrame(data)
		if err != nil {
			if ecabinet.ErrorCode(err) != ecabinet.EINVALID {
				t.Fatalf("error %v is not invalid", err)
			}
			return
		}
		_, _, _ = fr.Scope.Parse()
		again, err := json.Marshal(fr)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeClientFrame(again)
		if err != nil || back != fr {
			t.Fatalf("round trip: %+v → %s → %+v (%v)", fr, again, back, err)
		}
	})
}
