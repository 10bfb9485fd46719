//go:build unix

package http

import (
	"errors"
	"net"
	"syscall"
)

// closedWatcher returns a function telling whether the peer of conn has
// closed it (end of stream or reset), by peeking at one byte without
// waiting; nil when conn gives no access to its socket.
func closedWatcher(conn net.Conn) func() bool {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return func() bool {
		closed := false
		err := raw.Read(func(fd uintptr) bool {
			var b [1]byte
			n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
			switch {
			case err == nil:
				closed = n == 0
			case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
			default:
				closed = true
			}
			return true
		})
		return closed || err != nil
	}
}
