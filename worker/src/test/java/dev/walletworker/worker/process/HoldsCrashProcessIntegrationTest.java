package dev.walletworker.worker.process;

import static dev.walletworker.worker.process.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.ledger.Ledger;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestMetering;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Holds while the daemon is SIGKILLed and restarted: client threads hold, then capture (some above
 * the hold), release, or abandon each hold (a gateway that lost track: its 3-second hold must be
 * expired by the job), retrying every call with the same id or hold until it is answered. Kills
 * land between holds and captures and in the middle of captures. Afterwards every request has one
 * hold, settled once; each capture the client saw is the one usage row of its hold; abandoned holds
 * are expired; nothing is held any more; and every balance is its opening less its captures.
 */
class HoldsCrashProcessIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int REQUESTS = Integer.getInteger("reliability.holds", 1_500);
  private static final int KILLS = 3;
  private static final int ACCOUNTS = 40;
  private static final int CLIENTS = 4;
  private static final BigDecimal OPENING = new BigDecimal("1000.00");
  private static final Path FIGURES = Path.of("target/reliability/holds-crash.txt");
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  /** What becomes of a request's hold. */
  enum Fate {
    CAPTURE,
    RELEASE,
    ABANDON
  }

  record Plan(String id, String account, BigDecimal hold, Fate fate, BigDecimal capture) {}

  /** What the client was answered: the hold, and its capture's row and amount. */
  record Seen(String holdId, String transactionId, BigDecimal captured) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicReference<Throwable> clientFailure = new AtomicReference<>();
  private volatile String base;

  @Test
  void everyHoldIsSettledOnceAndEveryCaptureIsPostedOnceAcrossKills() throws Exception {
    long seed = Long.getLong("reliability.seed", new SecureRandom().nextLong());
    Random random = new Random(seed);
    System.out.printf(
        "holds crash: seed=%d requests=%d kills=%d (replay: -Dreliability.seed=%d)%n",
        seed, REQUESTS, KILLS, seed);
    Clock clock = Clock.systemUTC();
    Ledger ledger = new Ledger(db.database(), clock);
    List<String> ids =
        TestMetering.fundedAccounts(db.database(), clock, ACCOUNTS, "owner", OPENING);
    String key = new ServiceKeys(db.database(), clock).create("gateway-holds-crash").key();
    List<Plan> plans = new ArrayList<>();
    for (int n = 0; n < REQUESTS; n++) {
      BigDecimal hold = BigDecimal.valueOf(1 + random.nextInt(2_000_000), 6);
      int roll = random.nextInt(20);
      Fate fate = roll < 2 ? Fate.ABANDON : roll < 4 ? Fate.RELEASE : Fate.CAPTURE;
      // Up to 120% of the hold: about one capture in six goes above it, and still posts.
      BigDecimal capture =
          hold.multiply(BigDecimal.valueOf(random.nextInt(121)))
              .movePointLeft(2)
              .setScale(6, java.math.RoundingMode.DOWN);
      plans.add(
          new Plan(
              String.format("req-%06d", n),
              ids.get(random.nextInt(ACCOUNTS)),
              hold,
              fate,
              capture));
    }

    int apiPort = DaemonProcess.freePort();
    DaemonProcess.Target target =
        new DaemonProcess.Target(db.jdbcUrl(), db.username(), db.password());
    // Expiry every second: an abandoned hold is released within seconds of its expiry.
    Map<String, String> env =
        Map.of(
            "SMTP_PORT",
            Integer.toString(DaemonProcess.freePort()),
            "HOLD_EXPIRY_CRON",
            "* * * * * ?");
    base = "http://127.0.0.1:" + apiPort;
    long begin = System.nanoTime();
    DaemonProcess daemon = DaemonProcess.start("holds-crash-0", target, env, apiPort);
    List<Long> downtimes = new ArrayList<>();
    try {
      List<Thread> clients = new ArrayList<>();
      AtomicInteger next = new AtomicInteger();
      for (int c = 0; c < CLIENTS; c++) {
        Thread client = new Thread(() -> run(plans, next, key), "holds-client-" + c);
        clients.add(client);
        client.start();
      }
      for (int kill = 1; kill <= KILLS; kill++) {
        int mark = REQUESTS * kill / (KILLS + 2);
        DaemonProcess current = daemon;
        await(
            "kill " + kill + ": " + mark + " requests settled",
            () -> answered.get() >= mark || clientFailure.get() != null,
            Duration.ofSeconds(90),
            current);
        assertThat(clientFailure.get()).isNull();
        Thread.sleep(random.nextInt(100)); // the moment itself: holds and captures in flight
        daemon.kill();
        long down = System.nanoTime();
        daemon = DaemonProcess.start("holds-crash-" + kill, target, env, apiPort);
        downtimes.add(Duration.ofNanos(System.nanoTime() - down).toMillis());
      }
      for (Thread client : clients) {
        client.join(Duration.ofSeconds(180).toMillis());
        assertThat(client.isAlive()).as(client.getName() + " still running").isFalse();
      }
      assertThat(clientFailure.get()).isNull();
      // The abandoned holds: expired by the job of the daemon now running.
      await(
          "every abandoned hold expired",
          () ->
              db.jdbc()
                      .sql("SELECT count(*) FROM holds WHERE status = 'held'")
                      .query(Long.class)
                      .single()
                  == 0,
          Duration.ofSeconds(60),
          daemon);
    } finally {
      daemon.close();
    }
    long seconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();

    // One hold per request, in the state its plan leads to.
    assertThat(seen).hasSize(REQUESTS);
    Map<String, Map<String, Object>> holds = new HashMap<>();
    db.jdbc()
        .sql("SELECT * FROM holds")
        .query()
        .listOfRows()
        .forEach(row -> holds.put((String) row.get("request_id"), row));
    assertThat(holds).hasSize(REQUESTS);
    Map<String, BigDecimal> captured = new HashMap<>();
    for (Plan plan : plans) {
      Map<String, Object> hold = holds.get(plan.id());
      Seen answer = seen.get(plan.id());
      assertThat(hold.get("id")).as(plan.id()).isEqualTo(answer.holdId());
      assertThat(hold.get("account_id")).isEqualTo(plan.account());
      String expected =
          switch (plan.fate()) {
            case CAPTURE -> "captured";
            case RELEASE -> "released";
            case ABANDON -> "expired";
          };
      assertThat(hold.get("status")).as(plan.id()).isEqualTo(expected);
      if (plan.fate() == Fate.CAPTURE) {
        assertThat((BigDecimal) hold.get("captured_amount"))
            .as(plan.id())
            .isEqualByComparingTo(plan.capture())
            .isEqualByComparingTo(answer.captured());
        assertThat(hold.get("transaction_id")).as(plan.id()).isEqualTo(answer.transactionId());
        captured.merge(plan.account(), plan.capture(), BigDecimal::add);
      }
    }
    // One usage row per capture of more than nothing, each the hold's, none other.
    Map<String, Object> rows =
        db.jdbc()
            .sql(
                "SELECT count(*) AS n, count(DISTINCT hold_id) AS holds,"
                    + " coalesce(sum(-amount), 0) AS total FROM wallet_transactions"
                    + " WHERE type = 'usage'")
            .query()
            .singleRow();
    long nonZero =
        plans.stream().filter(p -> p.fate() == Fate.CAPTURE && p.capture().signum() > 0).count();
    assertThat(((Number) rows.get("n")).longValue()).isEqualTo(nonZero);
    assertThat(((Number) rows.get("holds")).longValue()).isEqualTo(nonZero);
    for (String account : ids) {
      assertThat(ledger.balance(account))
          .as("balance of " + account)
          .isEqualByComparingTo(OPENING.subtract(captured.getOrDefault(account, BigDecimal.ZERO)));
    }
    assertThat(db.jdbc().sql("SELECT sum(held) FROM wallets").query(BigDecimal.class).single())
        .isEqualByComparingTo("0");

    String figures =
        String.format(
            "seed=%d requests=%d clients=%d kills=%d restart_ms=%s retries=%d seconds=%d%n",
            seed, REQUESTS, CLIENTS, KILLS, downtimes, retries.get(), seconds);
    Files.createDirectories(FIGURES.getParent());
    Files.writeString(FIGURES, figures);
    System.out.print("holds crash: " + figures);
    assertThat(retries.get()).as("kills landed on calls in flight").isPositive();
  }

  /** One client thread: takes the next request and carries its plan out, call by call. */
  private void run(List<Plan> plans, AtomicInteger next, String key) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    try {
      for (int n = next.getAndIncrement(); n < plans.size(); n = next.getAndIncrement()) {
        Plan plan = plans.get(n);
        String holdBody =
            "{\"id\":\""
                + plan.id()
                + "\",\"account_id\":\""
                + plan.account()
                + "\",\"amount\":"
                + plan.hold().toPlainString()
                + ",\"expires_in\":"
                + (plan.fate() == Fate.ABANDON ? 3 : 600)
                + "}";
        JsonNode hold = call(http, key, "/v1/holds", holdBody);
        String holdId = hold.get("hold_id").asString();
        Seen result = new Seen(holdId, null, null);
        if (plan.fate() == Fate.RELEASE) {
          assertThat(
                  call(http, key, "/v1/holds/" + holdId + "/release", "{}")
                      .get("status")
                      .asString())
              .isEqualTo("released");
        } else if (plan.fate() == Fate.CAPTURE) {
          JsonNode capture =
              call(
                  http,
                  key,
                  "/v1/holds/" + holdId + "/capture",
                  "{\"amount\":" + plan.capture().toPlainString() + "}");
          result =
              new Seen(
                  holdId,
                  capture.get("transaction_id").isNull()
                      ? null
                      : capture.get("transaction_id").asString(),
                  capture.get("amount").decimalValue());
        }
        seen.put(plan.id(), result);
        answered.incrementAndGet();
      }
    } catch (Throwable t) {
      clientFailure.compareAndSet(null, t);
    }
  }

  /** Sends until answered 200 or 201 (a retry is the same call: its id or hold makes it safe). */
  private JsonNode call(HttpClient http, String key, String path, String body) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(3))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 || response.statusCode() == 201) {
          return JSON.readTree(response.body());
        }
        if (response.statusCode() < 500) {
          throw new AssertionError(path + ": " + response.statusCode() + " " + response.body());
        }
      } catch (IOException e) {
        // A timeout, a refused or reset connection: the daemon is down; send it again.
      }
      retries.incrementAndGet();
      Thread.sleep(Math.min(50L * attempt, 500));
    }
  }
}
