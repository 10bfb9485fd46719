package push

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Push services are on the public internet. A subscription is whatever URL
// a member's browser (or the member) sent, so the server refuses to post
// to an address of its own network: loopback, private, link-local, shared
// (carrier-grade NAT) and the like. The name is checked before each
// request, redirects included; without an egress proxy the address dialled
// is checked again, so a name that resolves elsewhere the second time
// reaches nothing either. Behind a proxy the proxy dials, and only the
// name's addresses are checked.

// errNotPublic is what a request to another address gets.
type errNotPublic struct{ host string }

func (e errNotPublic) Error() string {
	return fmt.Sprintf("push: %s is not a public address; push services are on the internet", e.host)
}

var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598

func isPublic(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsGlobalUnicast() && !a.IsPrivate() && !sharedAddressSpace.Contains(a)
}

// publicClient returns the client a Sender uses when given none: a
// 15-second timeout and public addresses only.
func publicClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	probe := &http.Request{URL: &url.URL{Scheme: "https", Host: "push.example"}}
	if proxy, err := tr.Proxy(probe); err == nil && proxy == nil {
		d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !isPublic(ap.Addr()) {
				return errNotPublic{address}
			}
			return nil
		}}
		tr.DialContext = d.DialContext
	}
	return &http.Client{Timeout: 15 * time.Second, Transport: publicOnly{next: tr, resolve: net.DefaultResolver.LookupNetIP}}
}

// publicOnly refuses a request whose host has an address that is not public.
type publicOnly struct {
	next    http.RoundTripper
	resolve func(ctx context.Context, network, host string) ([]netip.Addr, error)
}

func (p publicOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	addrs, err := p.resolve(req.Context(), "ip", host)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if !isPublic(a) {
			return nil, errNotPublic{host}
		}
	}
	return p.next.RoundTrip(req)
}
