//go:build !unix

package http

import "net"

// closedWatcher is not available here: requests run to their end.
func closedWatcher(net.Conn) func() bool { return nil }
