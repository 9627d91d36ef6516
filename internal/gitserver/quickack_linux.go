package gitserver

import (
	"net"
	"syscall"
)

// quickAck makes the connection acknowledge every segment at once.
//
// OpenSSH's client leaves Nagle's algorithm on for sessions without a
// terminal, which is every git session: it holds a small packet until the
// previous one is acknowledged, and Linux delays that acknowledgement up
// to 40 ms. The handshake alone hits this twice, a push more often. Quick
// ACK mode is not sticky (the kernel leaves it on its own), so it is set
// again before every read; a setsockopt per read costs nothing next to
// 40 ms stalls.
func quickAck(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	return &quickAckConn{TCPConn: tc, rc: rc}
}

type quickAckConn struct {
	*net.TCPConn
	rc syscall.RawConn
}

func (c *quickAckConn) Read(p []byte) (int, error) {
	c.rc.Control(func(fd uintptr) {
		syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
	return c.TCPConn.Read(p)
}
