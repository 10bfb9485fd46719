package demo

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pades"
	"software.sslmate.com/src/go-pkcs12"
)

// DemoCAName is the demo CA's name: it says it is a demo, in both languages.
const DemoCAName = "e-Cabinet DEMO CA (chỉ để thử - không có giá trị pháp lý / demo only - not for real use)"

// demoSigners are the demo body's signers: the head of the secretariat
// initials the conclusion notice and signs the ballot report; the Prime
// Minister signs the notice.
var demoSigners = []string{"secretary1", "chair"}

// demoP12Password protects the demo PKCS#12 files while they are imported.
const demoP12Password = "demo"

// SeedSigning names the demo body's signers of conclusion notices and
// minutes (secretary1 then chair) and ballot reports (secretary1) unless it names
// some, and gives it a demo CA, trusted, and a demo signing certificate for
// each signer. It does nothing once the body trusts a CA, and makes no
// certificate when private keys cannot be sealed (ECABINET_SIGNING_KEY).
func SeedSigning(ctx context.Context, db actorSource, signing ecabinet.SigningService, bodies ecabinet.BodyService, sealed bool, now time.Time, log *slog.Logger) error {
	admin, err := db.ActorByUsername(ctx, "admin")
	if err != nil {
		return err
	}
	as := ecabinet.NewContextWithActor(ctx, admin)
	cas, err := signing.TrustedCAs(as)
	if err != nil || len(cas) > 0 {
		return err
	}
	ids := map[string]int64{}
	for _, username := range demoSigners {
		m, err := db.ActorByUsername(ctx, username)
		if err != nil {
			return err
		}
		ids[username] = m.MemberID
	}
	body, err := bodies.FindBody(as, admin.BodyID)
	if err != nil {
		return err
	}
	if st := body.Settings; len(st.Signers.Conclusion)+len(st.Signers.BallotReport)+len(st.Signers.Minutes) == 0 {
		st.Signers = ecabinet.SignerSettings{Conclusion: []int64{ids["secretary1"], ids["chair"]}, BallotReport: []int64{ids["secretary1"]},
			Minutes: []int64{ids["secretary1"], ids["chair"]}}
		if _, err := bodies.UpdateBodySettings(as, admin.BodyID, st); err != nil {
			return err
		}
	}
	if !sealed {
		log.WarnContext(ctx, "demo: no demo signing certificates, as private keys cannot be sealed (set ECABINET_SIGNING_KEY)")
		return nil
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: DemoCAName, Organization: []string{"e-Cabinet DEMO"}},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	if _, err := signing.AddTrustedCAs(as, pades.EncodeCertificates(ca)); err != nil {
		return err
	}
	for i, username := range demoSigners {
		m, err := db.ActorByUsername(ctx, username)
		if err != nil {
			return err
		}
		p12, err := demoP12(ca, caKey, m.FullName, int64(i+2), now)
		if err != nil {
			return err
		}
		if _, err := signing.ImportCertificate(as, m.MemberID, p12, demoP12Password); err != nil {
			return fmt.Errorf("demo certificate of %s: %w", username, err)
		}
	}
	return nil
}

// actorSource finds demo accounts (store.DB).
type actorSource interface {
	ActorByUsername(ctx context.Context, username string) (ecabinet.Actor, error)
}

// demoP12 issues a demo signing certificate for name and packs it with its
// key and the CA into a PKCS#12 file.
func demoP12(ca *x509.Certificate, caKey crypto.Signer, name string, serial int64, now time.Time) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial),
		Subject:   pkix.Name{CommonName: name, Organization: []string{"e-Cabinet DEMO"}, OrganizationalUnit: []string{"DEMO - không có giá trị pháp lý"}},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.AddDate(3, 0, 0), BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return pkcs12.Modern.Encode(key, cert, []*x509.Certificate{ca}, demoP12Password)
}
