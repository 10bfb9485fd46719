package auth

import (
	"testing"
	"time"
)

// RFC 6238 appendix B, SHA-1 key "12345678901234567890" (8 digits there;
// the last 6 are the 6-digit code).
func TestTOTPVectors(t *testing.T) {
	secret := b32.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		got, err := TOTPCode(secret, TOTPStep(time.Unix(unix, 0)))
		if err != nil || got != want {
			t.Errorf("at %d: %s, want %s (%v)", unix, got, want, err)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	secret, _ := NewTOTPSecret()
	now := time.Unix(1_800_000_000, 0)
	code, _ := TOTPCode(secret, TOTPStep(now))
	step, ok := checkTOTP(secret, code, now, 0)
	if !ok || step != TOTPStep(now) {
		t.Fatal("current code refused")
	}
	if _, ok := checkTOTP(secret, code, now, step); ok {
		t.Fatal("a code worked twice")
	}
	if _, ok := checkTOTP(secret, code, now.Add(29*time.Second), 0); !ok {
		t.Fatal("one step of drift refused")
	}
	if _, ok := checkTOTP(secret, code, now.Add(95*time.Second), 0); ok {
		t.Fatal("a code three steps old accepted")
	}
	if _, ok := checkTOTP(secret, "12345", now, 0); ok {
		t.Fatal("a short code accepted")
	}
	codes, _ := newRecoveryCodes()
	if len(codes) != 10 || len(codes[0]) != 14 || normaliseRecoveryCode(" "+codes[0][:4]+codes[0][5:9]+"-"+codes[0][10:]) != normaliseRecoveryCode(codes[0]) {
		t.Fatalf("recovery codes %v", codes)
	}
}
