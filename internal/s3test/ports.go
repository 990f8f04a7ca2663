package s3test

import (
	"crypto/rand"
	"errors"
	"io"
	"net"
	"strconv"
)

// freePortPairs returns n distinct loopback ports p that are free together
// with p+10000, which weed takes for each port's gRPC. They are drawn from
// 20000-32767, below Linux's ephemeral range, where outgoing connections
// take their ports.
func freePortPairs(n int) ([]int, error) {
	var ports []int
	var held []io.Closer
	defer func() {
		for _, c := range held {
			_ = c.Close()
		}
	}()
	for tries := 0; len(ports) < n && tries < 500; tries++ {
		var b [2]byte
		_, _ = rand.Read(b[:])
		p := 20000 + (int(b[0])<<8|int(b[1]))%12768
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		grpc, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10000))
		if err != nil {
			_ = ln.Close()
			continue
		}
		held = append(held, ln, grpc)
		ports = append(ports, p)
	}
	if len(ports) < n {
		return nil, errors.New("no free loopback ports p with p+10000 free too")
	}
	return ports, nil
}
