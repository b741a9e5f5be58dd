package dev.walletworker.worker.process;

import static dev.walletworker.worker.process.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.ledger.Ledger;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestMetering;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14's crash test for the metering API. A client (threads of this JVM, writing their own log
 * to {@code target/reliability/usage-crash-client.log}) posts {@value #EVENTS} usage events in
 * batches to a real daemon, retrying a batch with the same ids whenever it gets no answer (a
 * timeout, a refused or reset connection, a 5xx); meanwhile the daemon is SIGKILLed and restarted
 * {@value #KILLS} times. Afterwards the ledger holds every event exactly once — count, sum and
 * every wallet's balance reconciled against the client's log — and every result the client saw as
 * {@code posted} (or {@code duplicate}) is the row in the ledger.
 */
class UsageCrashProcessIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int EVENTS = Integer.getInteger("reliability.usage-events", 20_000);
  private static final int KILLS = 5;
  private static final int ACCOUNTS = 100;
  private static final int BATCH = 50;
  private static final int CLIENTS = 4;
  private static final BigDecimal OPENING = new BigDecimal("1000.00");
  private static final Path LOG = Path.of("target/reliability/usage-crash-client.log");
  private static final Path FIGURES = Path.of("target/reliability/usage-crash.txt");
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  /** What the client learned of one event: the result it was last answered. */
  record Seen(String status, String transactionId, BigDecimal amount) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicInteger postedAnswers = new AtomicInteger();
  private final AtomicInteger duplicateAnswers = new AtomicInteger();
  private final AtomicReference<Throwable> clientFailure = new AtomicReference<>();
  private volatile String base;

  @Test
  void everyEventIsPostedExactlyOnceWhileTheApiNodeIsKilledAndRestarted() throws Exception {
    long seed = Long.getLong("reliability.seed", new SecureRandom().nextLong());
    Random random = new Random(seed);
    System.out.printf(
        "usage crash: seed=%d events=%d kills=%d (replay: -Dreliability.seed=%d)%n",
        seed, EVENTS, KILLS, seed);
    Clock clock = Clock.systemUTC();
    Ledger ledger = new Ledger(db.database(), clock);
    List<String> ids =
        TestMetering.fundedAccounts(db.database(), clock, ACCOUNTS, "owner", OPENING);
    String key = new ServiceKeys(db.database(), clock).create("gateway-crash").key();
    // The client's events: each an id, an account and an amount of 6 decimals, fixed by the seed.
    List<String> bodies = new ArrayList<>();
    Map<String, BigDecimal> amounts = new ConcurrentHashMap<>();
    Map<String, String> accountOf = new ConcurrentHashMap<>();
    for (int b = 0; b < EVENTS / BATCH; b++) {
      StringBuilder body = new StringBuilder("{\"events\": [");
      for (int e = 0; e < BATCH; e++) {
        int n = b * BATCH + e;
        String id = String.format("ev-%06d", n);
        String account = ids.get(random.nextInt(ACCOUNTS));
        BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(500_000), 6);
        amounts.put(id, amount);
        accountOf.put(id, account);
        body.append(e == 0 ? "" : ",")
            .append("{\"id\":\"")
            .append(id)
            .append("\",\"account_id\":\"")
            .append(account)
            .append("\",\"amount\":")
            .append(amount.toPlainString())
            .append('}');
      }
      bodies.add(body.append("]}").toString());
    }

    int apiPort = DaemonProcess.freePort();
    DaemonProcess.Target target =
        new DaemonProcess.Target(db.jdbcUrl(), db.username(), db.password());
    Map<String, String> env = Map.of("SMTP_PORT", Integer.toString(DaemonProcess.freePort()));
    base = "http://127.0.0.1:" + apiPort;
    Files.createDirectories(LOG.getParent());
    long begin = System.nanoTime();
    DaemonProcess daemon = DaemonProcess.start("usage-crash-0", target, env, apiPort);
    List<Long> downtimes = new ArrayList<>();
    try (BufferedWriter log = Files.newBufferedWriter(LOG, StandardCharsets.UTF_8)) {
      List<Thread> clients = new ArrayList<>();
      AtomicInteger next = new AtomicInteger();
      for (int c = 0; c < CLIENTS; c++) {
        Thread client = new Thread(() -> post(bodies, next, key, log), "usage-client-" + c);
        clients.add(client);
        client.start();
      }
      for (int kill = 1; kill <= KILLS; kill++) {
        int mark = EVENTS * kill / (KILLS + 2);
        DaemonProcess current = daemon;
        await(
            "kill " + kill + ": " + mark + " events answered",
            () -> answered.get() >= mark || clientFailure.get() != null,
            Duration.ofSeconds(90),
            current);
        assertThat(clientFailure.get()).isNull();
        Thread.sleep(random.nextInt(200)); // the moment itself, requests in flight
        daemon.kill();
        long down = System.nanoTime();
        synchronized (log) {
          log.write("# daemon killed (" + kill + ") after " + answered.get() + " answers\n");
        }
        daemon = DaemonProcess.start("usage-crash-" + kill, target, env, apiPort);
        downtimes.add(Duration.ofNanos(System.nanoTime() - down).toMillis());
      }
      for (Thread client : clients) {
        client.join(Duration.ofSeconds(120).toMillis());
        assertThat(client.isAlive()).as(client.getName() + " still posting").isFalse();
      }
    } finally {
      daemon.close();
    }
    assertThat(clientFailure.get()).isNull();
    long seconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();

    // The client's log against the ledger.
    assertThat(seen).hasSize(EVENTS);
    BigDecimal sent = amounts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    Map<String, Object> ledgerTotals =
        db.jdbc()
            .sql(
                "SELECT count(*) AS n, count(DISTINCT reference) AS ids, coalesce(sum(-amount), 0)"
                    + " AS total FROM wallet_transactions WHERE type = 'usage'")
            .query()
            .singleRow();
    assertThat(((Number) ledgerTotals.get("n")).intValue()).as("usage rows").isEqualTo(EVENTS);
    assertThat(((Number) ledgerTotals.get("ids")).intValue()).as("distinct ids").isEqualTo(EVENTS);
    assertThat((BigDecimal) ledgerTotals.get("total")).isEqualByComparingTo(sent);
    Map<String, Map<String, Object>> rows = new java.util.HashMap<>();
    db.jdbc()
        .sql(
            "SELECT id, reference, account_id, amount FROM wallet_transactions WHERE type = 'usage'")
        .query()
        .listOfRows()
        .forEach(row -> rows.put((String) row.get("reference"), row));
    seen.forEach(
        (id, result) -> {
          Map<String, Object> row = rows.get(id);
          assertThat(row).as("ledger row of " + id + ", seen " + result).isNotNull();
          assertThat(row.get("id")).as(id).isEqualTo(result.transactionId());
          assertThat(row.get("account_id")).as(id).isEqualTo(accountOf.get(id));
          assertThat(((BigDecimal) row.get("amount")).negate())
              .as(id)
              .isEqualByComparingTo(amounts.get(id))
              .isEqualByComparingTo(result.amount());
        });
    Map<String, BigDecimal> spent = new java.util.HashMap<>();
    amounts.forEach((id, amount) -> spent.merge(accountOf.get(id), amount, BigDecimal::add));
    for (String account : ids) {
      assertThat(ledger.balance(account))
          .as("balance of " + account)
          .isEqualByComparingTo(OPENING.subtract(spent.getOrDefault(account, BigDecimal.ZERO)));
    }

    String figures =
        String.format(
            "seed=%d events=%d batches=%d clients=%d kills=%d restart_ms=%s retries=%d"
                + " posted_answers=%d duplicate_answers=%d seconds=%d%n",
            seed,
            EVENTS,
            bodies.size(),
            CLIENTS,
            KILLS,
            downtimes,
            retries.get(),
            postedAnswers.get(),
            duplicateAnswers.get(),
            seconds);
    Files.writeString(FIGURES, figures);
    System.out.print("usage crash: " + figures);
    // Kills landed on requests in flight: some batches were retried, and some retries found
    // their events already posted.
    assertThat(retries.get()).isPositive();
  }

  /** One client thread: takes the next batch and posts it until it is answered. */
  private void post(List<String> bodies, AtomicInteger next, String key, BufferedWriter log) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    try {
      for (int b = next.getAndIncrement(); b < bodies.size(); b = next.getAndIncrement()) {
        for (int attempt = 1; ; attempt++) {
          String outcome;
          try {
            HttpResponse<String> response =
                http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/usage"))
                        .timeout(Duration.ofSeconds(3))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(bodies.get(b)))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
              record(b, attempt, JSON.readTree(response.body()).get("results"), log);
              break;
            }
            if (response.statusCode() < 500) {
              throw new AssertionError(
                  "batch " + b + ": " + response.statusCode() + " " + response.body());
            }
            outcome = Integer.toString(response.statusCode());
          } catch (IOException e) {
            outcome = e.getClass().getSimpleName(); // timeout, refused, reset: send it again
          }
          retries.incrementAndGet();
          synchronized (log) {
            log.write("batch " + b + " attempt " + attempt + " " + outcome + " -> retry\n");
          }
          Thread.sleep(Math.min(50L * attempt, 500));
        }
      }
    } catch (Throwable t) {
      clientFailure.compareAndSet(null, t);
    }
  }

  private void record(int batch, int attempt, JsonNode results, BufferedWriter log)
      throws IOException {
    StringBuilder lines = new StringBuilder();
    for (JsonNode r : results) {
      String id = r.get("id").asString();
      String status = r.get("status").asString();
      if (!status.equals("posted") && !status.equals("duplicate")) {
        throw new AssertionError("batch " + batch + ": " + r);
      }
      (status.equals("posted") ? postedAnswers : duplicateAnswers).incrementAndGet();
      Seen now =
          new Seen(status, r.get("transaction_id").asString(), r.get("amount").decimalValue());
      Seen before = seen.put(id, now);
      if (before != null && !before.transactionId().equals(now.transactionId())) {
        throw new AssertionError(id + " answered " + before + " then " + now);
      }
      lines
          .append(id)
          .append(' ')
          .append(status)
          .append(' ')
          .append(now.transactionId())
          .append(' ')
          .append(now.amount().toPlainString())
          .append('\n');
    }
    synchronized (log) {
      log.write("batch " + batch + " attempt " + attempt + " 200\n");
      log.write(lines.toString());
    }
    answered.addAndGet(results.size());
  }
}
