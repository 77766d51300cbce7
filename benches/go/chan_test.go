// Go's own channel under the workloads of pleg-spec's Rust benches (benches/benches), so that
// ci/bench-compare.sh can print both in one table. kubelet's eventChannel is a Go channel: this
// is the thing the spec's channel stands for.
//
// Each benchmark reports messages (or events) per second as a custom metric, timed like its
// Rust twin: goroutines are started outside the timed region, the clock stops when the
// consumer has drained the closed channel (or, for a relist burst, when relist has sent or
// dropped its last event).
package bench

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// messages per SPSC run, as in benches/benches/channel.rs.
const messages = 10_000

// workPerEvent is the slow syncLoop's busy work per event, as in benches/benches/relist.rs.
const workPerEvent = 2_000

var sink uint64

// transfer sends n values through a channel of the given capacity to one consumer goroutine,
// blocking (`ch <- v`) or dropping when full (`select { case ch <- v: default: }`); it returns
// the time and how many values were dropped.
func transfer(capacity, n int, drop bool) (time.Duration, int) {
	ch := make(chan uint64, capacity)
	ready := make(chan struct{})
	done := make(chan uint64)
	go func() {
		close(ready)
		var sum uint64
		for v := range ch {
			sum += v
		}
		done <- sum
	}()
	<-ready
	start := time.Now()
	dropped := 0
	for i := 0; i < n; i++ {
		if drop {
			select {
			case ch <- uint64(i):
			default:
				dropped++
			}
		} else {
			ch <- uint64(i)
		}
	}
	close(ch)
	sink += <-done
	return time.Since(start), dropped
}

// BenchmarkSPSC is channel/spsc/{send,try_send-drop} for Go's channel.
func BenchmarkSPSC(b *testing.B) {
	for _, mode := range []string{"send", "try_send-drop"} {
		for _, capacity := range []int{1, 16, 1000} {
			b.Run(fmt.Sprintf("%s/go/%d", mode, capacity), func(b *testing.B) {
				var total time.Duration
				dropped := 0
				for i := 0; i < b.N; i++ {
					elapsed, d := transfer(capacity, messages, mode == "try_send-drop")
					total += elapsed
					dropped += d
				}
				b.ReportMetric(float64(b.N*messages)/total.Seconds(), "msgs/s")
				// The price beside the speed: values dropped per run of 10,000.
				b.ReportMetric(float64(dropped)/float64(b.N), "dropped/run")
			})
		}
	}
}

// relist sends a burst of events into kubelet's capacity-1000 channel while syncLoop drains
// it, fast or with busy work per event; it returns how long relist took.
func relist(burst int, drop bool, work int) time.Duration {
	ch := make(chan uint64, 1000)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		close(ready)
		for e := range ch {
			acc := e
			for i := 0; i < work; i++ {
				acc = acc*31 + uint64(i)
			}
			sink += acc
		}
	}()
	<-ready
	start := time.Now()
	for e := 0; e < burst; e++ {
		if drop {
			select {
			case ch <- uint64(e):
			default:
			}
		} else {
			ch <- uint64(e)
		}
	}
	elapsed := time.Since(start)
	close(ch)
	wg.Wait()
	return elapsed
}

// BenchmarkRelistBurst is relist/burst/{fast,slow}-syncLoop/{blocking,drop-when-full}/N.
func BenchmarkRelistBurst(b *testing.B) {
	for _, consumer := range []string{"fast-syncLoop", "slow-syncLoop"} {
		work := 0
		if consumer == "slow-syncLoop" {
			work = workPerEvent
		}
		for _, policy := range []string{"blocking", "drop-when-full"} {
			for _, burst := range []int{100, 1000, 1001, 5000} {
				b.Run(fmt.Sprintf("%s/%s/%d", consumer, policy, burst), func(b *testing.B) {
					var total time.Duration
					for i := 0; i < b.N; i++ {
						total += relist(burst, policy == "drop-when-full", work)
					}
					b.ReportMetric(float64(b.N*burst)/total.Seconds(), "events/s")
				})
			}
		}
	}
}

// twoProducers: generic and Evented PLEG share kubelet's one channel; each sends half.
func twoProducers(capacity, n int) time.Duration {
	ch := make(chan uint64, capacity)
	var producers sync.WaitGroup
	start := make(chan struct{})
	done := make(chan uint64)
	go func() {
		var sum uint64
		for v := range ch {
			sum += v
		}
		done <- sum
	}()
	for p := 0; p < 2; p++ {
		producers.Add(1)
		go func() {
			defer producers.Done()
			<-start
			for i := 0; i < n/2; i++ {
				ch <- uint64(i)
			}
		}()
	}
	begin := time.Now()
	close(start)
	producers.Wait()
	close(ch)
	sink += <-done
	return time.Since(begin)
}

// BenchmarkTwoProducers is channel/mpsc/two-producers/{1,16,1000}.
func BenchmarkTwoProducers(b *testing.B) {
	for _, capacity := range []int{1, 16, 1000} {
		b.Run(fmt.Sprintf("go/%d", capacity), func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				total += twoProducers(capacity, messages)
			}
			b.ReportMetric(float64(b.N*messages)/total.Seconds(), "msgs/s")
		})
	}
}

// BenchmarkWakeup is wakeup/asleep-sender for Go's channel: a goroutine blocked on a full
// channel (capacity 1) for a millisecond, then a receive; the time until its send returned.
func BenchmarkWakeup(b *testing.B) {
	ch := make(chan uint64, 1)
	ch <- 0
	returned := make(chan time.Time)
	go func() {
		for i := 0; i < b.N; i++ {
			ch <- 1
			returned <- time.Now()
		}
	}()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Millisecond)
		freed := time.Now()
		<-ch
		total += (<-returned).Sub(freed)
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ns/wakeup")
}
