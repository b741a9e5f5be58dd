package dev.walletworker.worker.benchmark;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 9's load generator, run in its own process (so that its JVM does not share the
 * daemon's): {@code connections} threads, each with its own keep-alive HTTP/1.1 connection, post
 * batches of {@code batch} priced usage events to {@code POST /v1/usage}, each as soon as the last
 * was answered, or on a fixed schedule when {@code rate} (events/s for all threads) is given — then
 * a request's latency counts from when it was due, so a stall is not hidden. Events go to random
 * accounts of the {@code accounts} file, and {@code hot} of them (0 to 1) to its first account.
 *
 * <p>Arguments are {@code key=value}: base, key, accounts, batch, connections, seconds, warmup,
 * hot, rate, run. Prints one line: {@code RESULT events=… seconds=… events_per_s=… p50_ms=…
 * p99_ms=… requests=… refused=… errors=…}.
 */
public final class UsageLoadGenerator {

  private UsageLoadGenerator() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    URI target = URI.create(a.get("base"));
    String key = a.get("key");
    List<String> accounts = Files.readAllLines(Path.of(a.get("accounts")));
    int batch = Integer.parseInt(a.get("batch"));
    int connections = Integer.parseInt(a.get("connections"));
    double seconds = Double.parseDouble(a.get("seconds"));
    double warmup = Double.parseDouble(a.getOrDefault("warmup", "2"));
    double hot = Double.parseDouble(a.getOrDefault("hot", "0"));
    double rate = Double.parseDouble(a.getOrDefault("rate", "0"));
    String run = a.getOrDefault("run", Long.toString(System.nanoTime(), 36));

    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong events = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<List<Long>> latencies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long begin = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      List<Long> mine = new ArrayList<>();
      latencies.add(mine);
      int client = c;
      Thread thread =
          new Thread(
              () -> {
                // One client per thread: one keep-alive connection each, written and read
                // directly, as wrk or pgbench do, so that the generator's own CPU (the machine's
                // cores are shared with the daemon and PostgreSQL) stays small beside the server's.
                long interval = rate > 0 ? (long) (1e9 * batch * connections / rate) : 0;
                long due = System.nanoTime() + (interval > 0 ? client * interval / connections : 0);
                long n = 0;
                HttpConnection http = null;
                StringBuilder body = new StringBuilder(64 + batch * 160);
                while (!stop.get()) {
                  if (interval > 0) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      sleepNanos(wait);
                    }
                  }
                  body.setLength(0);
                  body.append("{\"events\":[");
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  for (int e = 0; e < batch; e++) {
                    String account =
                        random.nextDouble() < hot
                            ? accounts.get(0)
                            : accounts.get(random.nextInt(accounts.size()));
                    body.append(e == 0 ? "" : ",")
                        .append("{\"id\":\"")
                        .append(run)
                        .append('-')
                        .append(client)
                        .append('-')
                        .append(n++)
                        .append("\",\"account_id\":\"")
                        .append(account)
                        .append("\",\"model\":\"bench-chat\",\"input_tokens\":")
                        .append(100 + random.nextInt(2000))
                        .append(",\"output_tokens\":")
                        .append(10 + random.nextInt(500))
                        .append('}');
                  }
                  body.append("]}");
                  long start = interval > 0 ? due : System.nanoTime();
                  due += interval;
                  try {
                    if (http == null) {
                      http = new HttpConnection(target, key);
                    }
                    HttpConnection.Response response = http.post("/v1/usage", body);
                    long took = System.nanoTime() - start;
                    if (http.closed()) {
                      http.close();
                      http = null;
                    }
                    if (response.status() != 200) {
                      errors.incrementAndGet();
                      continue;
                    }
                    int posted = count(response.body(), "\"status\":\"posted\"");
                    if (measuring.get()) {
                      mine.add(took);
                      requests.incrementAndGet();
                      events.addAndGet(posted);
                      refused.addAndGet(batch - posted);
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                    if (http != null) {
                      http.close();
                      http = null;
                    }
                  }
                }
                if (http != null) {
                  http.close();
                }
              },
              "load-" + c);
      threads.add(thread);
      thread.start();
    }
    sleepNanos((long) (warmup * 1e9));
    measuring.set(true);
    long measured = System.nanoTime();
    sleepNanos((long) (seconds * 1e9));
    measuring.set(false);
    long elapsed = System.nanoTime() - measured;
    stop.set(true);
    for (Thread thread : threads) {
      thread.join();
    }
    List<Long> all = new ArrayList<>();
    latencies.forEach(all::addAll);
    System.out.printf(
        java.util.Locale.ROOT,
        "RESULT events=%d seconds=%.3f events_per_s=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d"
            + " refused=%d errors=%d total_s=%.1f%n",
        events.get(),
        elapsed / 1e9,
        events.get() * 1e9 / elapsed,
        all.isEmpty() ? 0 : BenchmarkReport.percentile(all, 50) / 1e6,
        all.isEmpty() ? 0 : BenchmarkReport.percentile(all, 99) / 1e6,
        requests.get(),
        refused.get(),
        errors.get(),
        (System.nanoTime() - begin) / 1e9);
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
      n++;
    }
    return n;
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
