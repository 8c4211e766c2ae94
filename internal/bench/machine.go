package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// printMachine prints what a figure depends on: the CPUs, the memory, the disk that
// holds dir, the Go version, the time and the load average at the start of the run.
func printMachine(dir string) {
	fmt.Printf("machine: %d CPUs (%s), %s memory, disk %s, %s\n", runtime.NumCPU(), cpuModel(), memTotal(), diskOf(dir), runtime.Version())
	fmt.Printf("run:     %s, load average %s\n", time.Now().UTC().Format(time.RFC3339), loadAvg())
}

// printLoad prints the load average now, to put beside the figures just measured.
func printLoad() { fmt.Printf("  (load average %s)\n", loadAvg()) }

// loadAvg returns the 1, 5 and 15 minute load averages from /proc/loadavg.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		return v
	}
	return runtime.GOARCH
}

func memTotal() string {
	var kb int64
	if _, err := fmt.Sscanf(procField("/proc/meminfo", "MemTotal"), "%d kB", &kb); err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
}

// procField returns the value of the first "name: value" line of a /proc file.
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// diskOf names the device and filesystem that hold dir, with its free space, and
// whether the kernel says the device spins.
func diskOf(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "unknown"
	}
	dev, fstype, best := "", "", ""
	if f, err := os.Open("/proc/mounts"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			m := strings.Fields(sc.Text())
			if len(m) >= 3 && strings.HasPrefix(abs, m[1]) && len(m[1]) > len(best) {
				dev, best, fstype = m[0], m[1], m[2]
			}
		}
		f.Close()
	}
	var st syscall.Statfs_t
	free := ""
	if syscall.Statfs(abs, &st) == nil {
		free = fmt.Sprintf(", %.0f GiB free", float64(st.Bavail)*float64(st.Bsize)/(1<<30))
	}
	kind := ""
	if b, err := os.ReadFile("/sys/block/" + filepath.Base(dev) + "/queue/rotational"); err == nil {
		kind = map[string]string{"0": ", non-rotational", "1": ", rotational"}[strings.TrimSpace(string(b))]
	}
	return fmt.Sprintf("%s (%s on %s%s%s)", dev, fstype, best, free, kind)
}
