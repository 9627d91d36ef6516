package gitserver

import (
	"io"
	"net"
	"testing"
)

// TestQuickAckConn checks the wrapper is applied to TCP connections and
// still reads what is written; what it saves (two 40 ms stalls per
// handshake) is measured by scripts/bench-push.sh, not asserted here.
func TestQuickAckConn(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			return
		}
		c.Write([]byte("hello"))
		c.Close()
	}()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	w := quickAck(c)
	defer w.Close()
	b, err := io.ReadAll(w)
	if err != nil || string(b) != "hello" {
		t.Fatalf("read %q, %v", b, err)
	}
	if p, _ := net.Pipe(); quickAck(p) != p {
		t.Error("a connection that is not TCP was wrapped")
	}
}
