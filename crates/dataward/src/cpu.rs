//! CPU time of the calling thread, for benchmarks on shared machines where wall-clock time
//! includes waiting for other processes (Linux `/proc/thread-self/schedstat`).

use std::time::Duration;

/// Time the calling thread has spent running on a CPU, if the platform reports it.
pub fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}
