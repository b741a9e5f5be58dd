package dev.walletworker.demo;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.account.SpendingLimitAction;
import dev.walletworker.db.Database;
import dev.walletworker.holds.HoldStatus;
import dev.walletworker.holds.Holds;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.ops.OpsUsers;
import dev.walletworker.signin.SignInLinks;
import dev.walletworker.stripe.emulator.Charge;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.worker.DaemonApplication;
import dev.walletworker.worker.ops.OpsPasswords;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/worker demo}: the whole system on one machine with no configuration. An embedded
 * PostgreSQL (fresh under {@code var/demo/pg}), an SMTP server capturing mail, the Stripe emulator
 * and the real daemon with its scheduler; accounts with a spread of settings and test cards; a
 * simulated month of usage posted through the metering API ({@code POST /v1/usage}, with a service
 * key and model prices) while the jobs react; then a summary.
 */
final class Demo {

  private static final String[] DECLINING = {
    "pm_card_chargeDeclinedInsufficientFunds",
    "pm_card_chargeDeclined",
    "pm_card_chargeDeclinedExpiredCard"
  };
  private static final String[] AMOUNTS = {"25.00", "25.00", "50.00", "100.00", "250.00"};

  private final int accountCount;
  private final int days;
  private final boolean serve;
  private final PrintStream out;
  private final PrintStream err;
  private final Random random = new Random(42);
  private final Map<String, BigDecimal> thresholds = new ConcurrentHashMap<>();
  private final Map<String, List<Instant>> crossings = new ConcurrentHashMap<>();
  private final LongAdder posted = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder postingNanos = new LongAdder();
  private final List<BigDecimal> usageTotal = Collections.synchronizedList(new ArrayList<>());
  // Traffic that holds first (a quarter of the accounts): hold → call → capture, or release when
  // the call fails, or nothing at all when the gateway loses track (the hold then expires).
  private final LongAdder holdsRefused = new LongAdder();
  private final AtomicInteger usageRefused = new AtomicInteger();
  private final LongAdder capturesRefused = new LongAdder();
  private final LongAdder holdCalls = new LongAdder();
  private final LongAdder holdNanos = new LongAdder();
  private final List<BigDecimal> capturedTotal = Collections.synchronizedList(new ArrayList<>());
  private final java.util.concurrent.atomic.AtomicReference<String> overshoot =
      new java.util.concurrent.atomic.AtomicReference<>("-");

  /** The most events the demo's gateway posts in one request. */
  private static final int BATCH = 100;

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  Demo(int accountCount, int days, boolean serve, PrintStream out, PrintStream err) {
    this.accountCount = accountCount;
    this.days = days;
    this.serve = serve;
    this.out = out;
    this.err = err;
  }

  int run() throws Exception {
    long started = System.nanoTime();
    Path dir = Path.of("var/demo").toAbsolutePath();
    Path mailDir = dir.resolve("mail");
    deleteTree(mailDir);
    Files.createDirectories(mailDir);
    err.println(
        "demo: starting PostgreSQL (var/demo/pg), an SMTP server, the Stripe emulator and the daemon…");
    String signIn;
    String console;
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(true)
                .setServerConfig("max_connections", "200")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        StripeEmulator stripe = StripeEmulator.start(0)) {
      int smtpPort = freePort();
      GreenMail smtp =
          new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      smtp.start();
      int apiPort = freePort();
      stripe.webhook("http://127.0.0.1:" + apiPort + "/v1/webhooks/stripe", "whsec_demo");
      ConfigurableApplicationContext daemon =
          new SpringApplication(DaemonApplication.class)
              .run(
                  "--wallet.database.url=" + pg.getJdbcUrl("postgres", "postgres"),
                  "--wallet.database.username=postgres",
                  "--wallet.database.password=postgres",
                  "--wallet.database.pool-size=20",
                  "--server.port=" + apiPort,
                  "--management.server.port=0",
                  "--wallet.stripe.api-key=sk_test_demo",
                  "--wallet.stripe.api-base=" + stripe.apiBase(),
                  "--wallet.stripe.webhook-secret=whsec_demo",
                  "--wallet.mail.host=127.0.0.1",
                  "--wallet.mail.port=" + smtpPort,
                  "--wallet.mail.from=Wallet Billing <billing@wallet.example>",
                  "--wallet.topup.cooldown=3s",
                  "--wallet.topup.retry-initial=1s",
                  "--wallet.scheduler.threads=5",
                  "--wallet.jobs.auto-topup.cron=0/2 * * * * ?",
                  "--wallet.jobs.low-balance-alerts.cron=0/2 * * * * ?",
                  "--wallet.jobs.budget-enforcement.cron=0/2 * * * * ?",
                  "--wallet.jobs.mail-dispatch.cron=* * * * * ?",
                  "--wallet.jobs.hold-expiry.cron=0/2 * * * * ?",
                  // The billing pages: links in the demo's mail and its sign-in link point here,
                  // and payments are confirmed with the emulator's stand-in Stripe.js.
                  "--wallet.mail.dashboard-url=http://127.0.0.1:" + apiPort,
                  "--wallet.billing.stripe-js-url=" + stripe.stripeJsUrl(),
                  "--wallet.billing.stripe-publishable-key=pk_test_demo",
                  "--wallet.billing.sign-in-link-lifetime=2h",
                  // The summary is the demo's output; the daemon's own log would drown it.
                  "--logging.level.root=ERROR",
                  "--spring.main.banner-mode=off");
      try {
        Accounts accounts = daemon.getBean(Accounts.class);
        Ledger ledger = daemon.getBean(Ledger.class);
        List<String> ids = createAccounts(accounts, ledger, stripe);
        String serviceKey = priceModelsAndIssueAServiceKey(daemon);
        driveUsage("http://127.0.0.1:" + apiPort, serviceKey, ids);
        overshoot.set(limitOvershoot(daemon.getBean(Database.class)));
        raiseSomeLimits(accounts, daemon.getBean(Database.class));
        settle(daemon.getBean(Database.class), smtp);
        signIn = signInLink(daemon, ids.get(0));
        console = opsConsole(daemon);
      } finally {
        // Stopped (and drained) before the summary, so the figures are a still picture; when
        // serving, the pages need it running.
        if (!serve) {
          daemon.close();
        }
      }
      try {
        int written = writeMail(smtp, mailDir);
        summary(Database.of(pg.getPostgresDatabase()), stripe, written, mailDir, started);
        billingPages(apiPort, signIn);
        out.println(console);
      } finally {
        if (!serve) {
          smtp.stop();
        }
      }
      if (serve) {
        serveUntilInterrupted(daemon, smtp);
      }
    }
    return 0;
  }

  /**
   * The ops console's address and a user made for this demo, with its one-time password (the
   * database is thrown away with the demo).
   */
  private static String opsConsole(ConfigurableApplicationContext daemon) {
    String password = OpsPasswords.generate();
    daemon.getBean(OpsUsers.class).add("demo-ops", OpsPasswords.encoder().encode(password));
    return "Ops console      http://127.0.0.1:"
        + daemon.getEnvironment().getProperty("local.management.port")
        + "/ops\nSign in as demo-ops with password "
        + password
        + " (shown once)";
  }

  /** A sign-in link of the first demo account, as the pages would email it (read back here). */
  private static String signInLink(ConfigurableApplicationContext daemon, String account) {
    String email = daemon.getBean(Accounts.class).get(account).account().email();
    String base =
        daemon.getEnvironment().getProperty("wallet.mail.dashboard-url")
            + "/billing/sign-in/link?token=";
    daemon.getBean(SignInLinks.class).request(email, List.of(account), base);
    return daemon
        .getBean(Database.class)
        .jdbc()
        .sql(
            "SELECT payload->>'link' FROM mail_outbox WHERE kind = 'sign_in_link'"
                + " AND account_id = ? ORDER BY id DESC LIMIT 1")
        .param(account)
        .query(String.class)
        .single();
  }

  private void billingPages(int apiPort, String signIn) {
    out.println();
    out.println("Billing pages    http://127.0.0.1:" + apiPort + "/billing");
    out.println("Sign in as owner0@demo.example (works once, for 2 hours):");
    out.println("  " + signIn);
    if (!serve) {
      out.println("(run bin/worker demo --serve to keep the pages open until Ctrl-C)");
    }
  }

  /**
   * Keeps everything running until Ctrl-C (SIGINT) or SIGTERM, then stops the daemon and the SMTP
   * server here, in order, and lets the caller close the emulator and PostgreSQL (the JVM's
   * shutdown hooks would stop them all at once, PostgreSQL under a draining daemon).
   */
  @SuppressWarnings("sunapi") // sun.misc.Signal: as RunCommand, to stop in order and exit 0
  private void serveUntilInterrupted(ConfigurableApplicationContext daemon, GreenMail smtp)
      throws InterruptedException {
    java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stop.countDown());
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop.countDown());
    err.println("demo: serving the billing pages and the ops console; press Ctrl-C to stop.");
    stop.await();
    err.println("demo: stopping…");
    daemon.close();
    smtp.stop();
  }

  private List<String> createAccounts(Accounts accounts, Ledger ledger, StripeEmulator stripe)
      throws Exception {
    err.println(
        "demo: creating "
            + accountCount
            + " accounts with auto top-up, alerts, limits and test cards…");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<String>> futures = new ArrayList<>();
    for (int i = 0; i < accountCount; i++) {
      int n = i;
      double kind = random.nextDouble();
      double limitKind = random.nextDouble();
      int opening = 20 + random.nextInt(60);
      String amount = AMOUNTS[random.nextInt(AMOUNTS.length)];
      int threshold = 5 + random.nextInt(16);
      String declining = DECLINING[random.nextInt(DECLINING.length)];
      futures.add(
          pool.submit(
              () -> {
                String id =
                    accounts
                        .create("owner" + n + "@demo.example", "Demo owner " + n, null)
                        .account()
                        .id();
                ledger.credit(
                    id, new BigDecimal(opening), TransactionType.REFUND, "Opening balance", null);
                SettingsChange change = new SettingsChange();
                if (kind < 0.80) {
                  String pm =
                      kind < 0.65
                          ? "pm_card_visa"
                          : kind < 0.75 ? declining : "pm_card_authenticationRequired";
                  change
                      .autoTopUpEnabled(true)
                      .autoTopUpThreshold(new BigDecimal(threshold))
                      .autoTopUpAmount(new BigDecimal(amount))
                      .stripeCustomerId(stripe.createCustomer("owner" + n + "@demo.example"))
                      .paymentMethodId(pm);
                  thresholds.put(id, new BigDecimal(threshold));
                }
                if (kind >= 0.50) {
                  change.alertEnabled(true).alertThreshold(new BigDecimal(threshold + 5));
                }
                if (limitKind < 0.20) {
                  change
                      .limitEnabled(true)
                      .monthlyLimit(new BigDecimal(60 + (n % 5) * 10))
                      .limitAction(
                          limitKind < 0.10 ? SpendingLimitAction.BLOCK : SpendingLimitAction.ALERT);
                }
                if (!change.isEmpty()) {
                  accounts.updateSettings(id, change);
                }
                return id;
              }));
    }
    List<String> ids = new ArrayList<>();
    for (Future<String> future : futures) {
      ids.add(future.get());
    }
    pool.shutdown();
    return ids;
  }

  /**
   * The AI API's models at the demo's prices (per 1,000,000 tokens; dear, so that a month of calls
   * moves the wallets), and the gateway's service key.
   */
  private String priceModelsAndIssueAServiceKey(ConfigurableApplicationContext daemon) {
    ModelPrices prices = daemon.getBean(ModelPrices.class);
    Instant from = Instant.now().minus(Duration.ofDays(1));
    prices.set("assisters-chat-v1", new BigDecimal("150"), new BigDecimal("600"), null, from);
    prices.set(
        "assisters-vision-v1",
        new BigDecimal("250"),
        new BigDecimal("1000"),
        new BigDecimal("25"),
        from);
    return daemon.getBean(ServiceKeys.class).create("demo-gateway").key();
  }

  /**
   * A month of usage, posted as the AI API's gateway posts it: each day every account makes a call
   * to one of the models, and four gateway threads post the day's calls through {@code POST
   * /v1/usage} with the service key, in batches of up to {@value #BATCH} events.
   */
  private void driveUsage(String base, String serviceKey, List<String> ids) throws Exception {
    AtomicInteger refused = usageRefused;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int day = 1; day <= days; day++) {
      List<Future<?>> work = new ArrayList<>();
      int today = day;
      for (List<String> slice : slices(ids, 4)) {
        long seed = random.nextLong();
        work.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  for (int from = 0; from < slice.size(); from += BATCH) {
                    List<String> batch = slice.subList(from, Math.min(slice.size(), from + BATCH));
                    post(http, base, serviceKey, today, batch, r, refused);
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      progress(day);
      Thread.sleep(150); // a day's pause: the daemon reacts meanwhile
    }
    pool.shutdown();
    err.println();
    err.println(
        "demo: "
            + refused.get()
            + " usage calls were refused after they were served (empty or blocked wallets, no"
            + " hold); "
            + holdsRefused.sum()
            + " calls were refused before, by their hold");
  }

  /** Posts one call per account in {@code batch}; notes crossings and refusals from the results. */
  private void post(
      HttpClient http,
      String base,
      String serviceKey,
      int day,
      List<String> batch,
      Random r,
      AtomicInteger refused)
      throws Exception {
    List<Map<String, Object>> events = new ArrayList<>();
    for (String id : batch) {
      if (holdsFirst(id)) {
        holdAndCapture(http, base, serviceKey, day, id, r);
        continue;
      }
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("id", "demo-day" + day + "-" + id);
      event.put("account_id", id);
      event.put("model", r.nextInt(5) == 0 ? "assisters-vision-v1" : "assisters-chat-v1");
      event.put("input_tokens", 1_000 + r.nextInt(9_000));
      event.put("output_tokens", 500 + r.nextInt(4_500));
      events.add(event);
    }
    if (events.isEmpty()) {
      return;
    }
    String body = JSON.writeValueAsString(Map.of("events", events));
    long start = System.nanoTime();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/usage"))
                .header("Authorization", "Bearer " + serviceKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    postingNanos.add(System.nanoTime() - start);
    requests.increment();
    if (response.statusCode() != 200) {
      throw new IllegalStateException("POST /v1/usage answered " + response.statusCode());
    }
    for (JsonNode result : JSON.readTree(response.body()).get("results")) {
      String id = result.get("id").asString().replaceFirst("^demo-day\\d+-", "");
      if (!result.get("status").asString().equals("posted")) {
        refused.incrementAndGet();
        continue;
      }
      posted.increment();
      BigDecimal cost = result.get("amount").decimalValue();
      BigDecimal after = result.get("balance_after").decimalValue();
      usageTotal.add(cost);
      BigDecimal threshold = thresholds.get(id);
      if (threshold != null
          && after.compareTo(threshold) < 0
          && after.add(cost).compareTo(threshold) >= 0) {
        crossings
            .computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
            .add(Instant.now());
      }
    }
  }

  /** Whether the gateway holds first for this account's calls: a quarter of the accounts. */
  private static boolean holdsFirst(String account) {
    return Math.floorMod(account.hashCode(), 4) == 0;
  }

  /**
   * One call that holds first: the worst case (the most tokens the call may use) is held, the model
   * is called, and the actual tokens are captured. One call in 25 fails (released), one in 50 is
   * lost by the gateway (its short hold expires). A refused hold is a call never served: no work is
   * given away.
   */
  private void holdAndCapture(
      HttpClient http, String base, String serviceKey, int day, String account, Random r)
      throws Exception {
    String model = r.nextInt(5) == 0 ? "assisters-vision-v1" : "assisters-chat-v1";
    int fate = r.nextInt(50);
    Map<String, Object> hold = new LinkedHashMap<>();
    hold.put("id", "demo-hold-day" + day + "-" + account);
    hold.put("account_id", account);
    hold.put("model", model);
    hold.put("max_input_tokens", 10_000);
    hold.put("max_output_tokens", 5_000);
    hold.put("expires_in", fate == 0 ? 2 : 600);
    HttpResponse<String> held = send(http, base + "/v1/holds", serviceKey, hold);
    if (held.statusCode() != 201 && held.statusCode() != 200) {
      if (held.statusCode() != 422) {
        throw new IllegalStateException("POST /v1/holds answered " + held.statusCode());
      }
      holdsRefused.increment();
      return;
    }
    String holdId = JSON.readTree(held.body()).get("hold_id").asString();
    if (fate == 0) {
      return; // lost by the gateway: the expiry job gives the hold back
    }
    if (fate <= 2) {
      send(http, base + "/v1/holds/" + holdId + "/release", serviceKey, Map.of());
      return;
    }
    Map<String, Object> used = new LinkedHashMap<>();
    used.put("input_tokens", 1_000 + r.nextInt(9_000));
    used.put("output_tokens", 500 + r.nextInt(4_500));
    HttpResponse<String> captured =
        send(http, base + "/v1/holds/" + holdId + "/capture", serviceKey, used);
    if (captured.statusCode() != 200) {
      capturesRefused.increment(); // served, and not paid for: must never happen
      return;
    }
    JsonNode capture = JSON.readTree(captured.body());
    capturedTotal.add(capture.get("amount").decimalValue());
    BigDecimal threshold = thresholds.get(account);
    BigDecimal after = capture.get("balance_after").decimalValue();
    if (threshold != null
        && after.compareTo(threshold) < 0
        && after.add(capture.get("amount").decimalValue()).compareTo(threshold) >= 0) {
      crossings
          .computeIfAbsent(account, k -> Collections.synchronizedList(new ArrayList<>()))
          .add(Instant.now());
    }
  }

  private HttpResponse<String> send(HttpClient http, String url, String key, Object body)
      throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    holdNanos.add(System.nanoTime() - start);
    holdCalls.increment();
    return response;
  }

  /**
   * How far spend went past a blocking limit (before any limit is raised), for the accounts that
   * post after the fact and for those that hold first.
   */
  private static String limitOvershoot(Database db) throws InterruptedException {
    Thread.sleep(1000); // the last debits' blocks land
    BigDecimal without = BigDecimal.ZERO;
    BigDecimal with = BigDecimal.ZERO;
    int accountsWithout = 0;
    int accountsWith = 0;
    for (Map<String, Object> row :
        db.jdbc()
            .sql(
                "SELECT account_id, greatest(spend_month_to_date - spending_limit_monthly, 0) AS over"
                    + " FROM wallets WHERE spending_limit_enabled AND spending_limit_action = 'block'")
            .query()
            .listOfRows()) {
      BigDecimal over = (BigDecimal) row.get("over");
      if (holdsFirst((String) row.get("account_id"))) {
        with = with.add(over);
        accountsWith += over.signum() > 0 ? 1 : 0;
      } else {
        without = without.add(over);
        accountsWithout += over.signum() > 0 ? 1 : 0;
      }
    }
    return "$"
        + without.setScale(2, RoundingMode.HALF_UP)
        + " ("
        + accountsWithout
        + " accounts) posting after;  $"
        + with.setScale(2, RoundingMode.HALF_UP)
        + " ("
        + accountsWith
        + ") holding first";
  }

  /** Owners of a few blocked accounts raise their limit: the block lifts at once. */
  private void raiseSomeLimits(Accounts accounts, Database db) throws InterruptedException {
    Thread.sleep(2500); // let enforcement catch up with the last debits
    List<String> blocked =
        db.jdbc()
            .sql("SELECT id FROM accounts WHERE status = 'blocked' ORDER BY id LIMIT 10")
            .query(String.class)
            .list();
    for (String id : blocked.subList(0, blocked.size() / 2)) {
      accounts.updateSettings(id, new SettingsChange().monthlyLimit(new BigDecimal("1000")));
    }
  }

  private void settle(Database db, GreenMail smtp) throws InterruptedException {
    err.println("demo: letting the jobs finish (auto top-ups, alerts, limits, mail)…");
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    int stable = 0;
    int last = -1;
    while (System.nanoTime() < deadline) {
      long pending =
          db.jdbc()
                  .sql("SELECT count(*) FROM topup_attempts WHERE status = 'pending'")
                  .query(Long.class)
                  .single()
              + db.jdbc()
                  .sql("SELECT count(*) FROM mail_outbox WHERE status = 'pending'")
                  .query(Long.class)
                  .single()
              // Holds the gateway lost: released by the expiry job within seconds.
              + new Holds(db).countByStatus().get(HoldStatus.HELD);
      int received = smtp.getReceivedMessages().length;
      stable = pending == 0 && received == last ? stable + 1 : 0;
      last = received;
      if (stable >= 4) {
        return;
      }
      Thread.sleep(500);
    }
  }

  private int writeMail(GreenMail smtp, Path dir) throws Exception {
    MimeMessage[] messages = smtp.getReceivedMessages();
    for (int i = 0; i < messages.length; i++) {
      String kind = messages[i].getHeader("X-Wallet-Email-Kind", null);
      try (OutputStream file =
          Files.newOutputStream(dir.resolve(String.format("%05d-%s.eml", i + 1, kind)))) {
        messages[i].writeTo(file);
      }
    }
    return messages.length;
  }

  private void summary(Database db, StripeEmulator stripe, int emails, Path mailDir, long started) {
    var sql = db.jdbc();
    long charged = count(db, "SELECT count(*) FROM topup_attempts WHERE status = 'succeeded'");
    BigDecimal chargedSum =
        sql.sql("SELECT coalesce(sum(amount), 0) FROM topup_attempts WHERE status = 'succeeded'")
            .query(BigDecimal.class)
            .single();
    long declined =
        count(
            db,
            "SELECT count(*) FROM topup_attempts WHERE status = 'failed' AND failure_code NOT IN ('no_longer_needed', 'account_blocked', 'auto_topup_disabled', 'payment_method_changed')");
    long action = count(db, "SELECT count(*) FROM topup_attempts WHERE status = 'requires_action'");
    long switchedOff =
        count(db, "SELECT count(*) FROM wallets WHERE auto_topup_disabled_reason IS NOT NULL");
    BigDecimal bonus =
        sql.sql("SELECT coalesce(sum(amount), 0) FROM wallet_transactions WHERE type = 'bonus'")
            .query(BigDecimal.class)
            .single();
    long alerts = count(db, "SELECT count(*) FROM mail_outbox WHERE kind = 'low_balance'");
    long blockedEver =
        count(db, "SELECT count(*) FROM mail_outbox WHERE kind = 'spending_limit_blocked'");
    long unblocked = count(db, "SELECT count(*) FROM mail_outbox WHERE kind = 'account_unblocked'");
    long spendingAlerts =
        count(db, "SELECT count(*) FROM mail_outbox WHERE kind = 'spending_alert'");
    long stillPending = count(db, "SELECT count(*) FROM topup_attempts WHERE status = 'pending'");
    long charges = stripe.charges().stream().mapToLong(Charge::amount).sum();
    BigDecimal credited =
        sql.sql("SELECT coalesce(sum(amount), 0) FROM wallet_transactions WHERE type = 'topup'")
            .query(BigDecimal.class)
            .single();
    List<Long> latencies = latencies(db);
    out.println();
    out.println(
        "wallet-worker demo: " + accountCount + " accounts, " + days + " simulated days of usage");
    out.println("─".repeat(64));
    row(
        "auto top-ups charged",
        charged + "  ($" + chargedSum.setScale(2, RoundingMode.UNNECESSARY) + ")");
    row(
        "auto top-ups declined",
        declined + "  (auto top-up switched off for " + switchedOff + " accounts)");
    row("auto top-ups needing the owner's action", Long.toString(action));
    row(
        "accounts that hit the daily cap",
        Long.toString(
            count(db, "SELECT count(*) FROM mail_outbox WHERE kind = 'daily_cap_reached'")));
    row("bonus credited", "$" + bonus.setScale(2, RoundingMode.HALF_UP));
    BigDecimal used = usageTotal.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal captured = capturedTotal.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal ledgerUsage =
        sql.sql("SELECT coalesce(sum(-amount), 0) FROM wallet_transactions WHERE type = 'usage'")
            .query(BigDecimal.class)
            .single();
    long usageRows = count(db, "SELECT count(*) FROM wallet_transactions WHERE type = 'usage'");
    double postingSeconds = postingNanos.sum() / 1e9 / 4; // four gateway threads
    row(
        "usage posted (POST /v1/usage + captures)",
        posted.sum()
            + " calls in "
            + requests.sum()
            + " requests + "
            + capturedTotal.size()
            + " captures  ($"
            + used.add(captured).setScale(2, RoundingMode.HALF_UP)
            + ")"
            + (usageRows == posted.sum() + capturedTotal.size()
                    && ledgerUsage.compareTo(used.add(captured)) == 0
                ? "  = the ledger"
                : "  NOT reconciled with the ledger"));
    row(
        "usage rate while posting",
        postingSeconds == 0
            ? "-"
            : String.format("%,.0f events/s", (posted.sum() + 0.0) / postingSeconds));
    Map<HoldStatus, Long> holds = new Holds(db).countByStatus();
    row(
        "holds (a quarter of the calls hold first)",
        holds.get(HoldStatus.CAPTURED)
            + " captured ($"
            + captured.setScale(2, RoundingMode.HALF_UP)
            + "), "
            + holds.get(HoldStatus.RELEASED)
            + " released, "
            + holds.get(HoldStatus.EXPIRED)
            + " expired, "
            + holdsRefused.sum()
            + " refused before the call");
    row(
        "usage refused after it was served",
        usageRefused.get()
            + " posting after (POST /v1/usage);  "
            + capturesRefused.sum()
            + " holding first (captures)");
    row("spend past a blocking limit", overshoot.get());
    row(
        "hold / capture / release calls",
        holdCalls.sum() == 0
            ? "-"
            : String.format(
                "%,d calls, mean %.1f ms",
                holdCalls.sum(), holdNanos.sum() / 1e6 / holdCalls.sum()));
    row("low-balance alerts emailed", Long.toString(alerts));
    row("spending alerts emailed (80% / limit)", Long.toString(spendingAlerts));
    row("accounts blocked at their limit", Long.toString(blockedEver));
    row("accounts unblocked (limit raised)", Long.toString(unblocked));
    row(
        "reaction: first crossing → attempt, p50/p99",
        latencies.isEmpty()
            ? "-"
            : percentile(latencies, 50) + " ms / " + percentile(latencies, 99) + " ms");
    row(
        "Stripe charges vs top-up credits",
        "$"
            + BigDecimal.valueOf(charges, 2)
            + " vs $"
            + credited.setScale(2, RoundingMode.UNNECESSARY)
            + (BigDecimal.valueOf(charges, 2).compareTo(credited) == 0 && stillPending == 0
                ? "  reconciled"
                : "  NOT reconciled"));
    row(
        "emails delivered (SMTP)",
        emails + "  in " + Path.of("").toAbsolutePath().relativize(mailDir) + "/*.eml");
    row("took", Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
    out.println("─".repeat(64));
  }

  /**
   * Wake-up reaction: for each account, from the debit that first crossed its auto top-up threshold
   * to its first attempt (later crossings may wait on a cool-down or the daily cap by design).
   */
  private List<Long> latencies(Database db) {
    List<Map<String, Object>> firsts =
        db.jdbc()
            .sql(
                "SELECT account_id, min(created_at) AS first FROM topup_attempts GROUP BY account_id")
            .query()
            .listOfRows();
    List<Long> result = new ArrayList<>();
    for (Map<String, Object> first : firsts) {
      List<Instant> times = crossings.get((String) first.get("account_id"));
      if (times != null && !times.isEmpty()) {
        Instant crossed;
        synchronized (times) {
          crossed = times.get(0);
        }
        Instant created = ((java.sql.Timestamp) first.get("first")).toInstant();
        if (!created.isBefore(crossed)) {
          result.add(Duration.between(crossed, created).toMillis());
        }
      }
    }
    Collections.sort(result);
    return result;
  }

  private void row(String label, String value) {
    out.printf("  %-42s %s%n", label, value);
  }

  private void progress(int day) {
    int width = 30;
    int done = day * width / days;
    err.print(
        "\rdemo: usage ["
            + "#".repeat(done)
            + ".".repeat(width - done)
            + "] day "
            + day
            + "/"
            + days);
    err.flush();
  }

  private static long count(Database db, String sql) {
    return db.jdbc().sql(sql).query(Long.class).single();
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(
        Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
  }

  private static <T> List<List<T>> slices(List<T> items, int n) {
    List<List<T>> slices = new ArrayList<>();
    int size = (items.size() + n - 1) / n;
    for (int i = 0; i < items.size(); i += size) {
      slices.add(items.subList(i, Math.min(items.size(), i + size)));
    }
    return slices;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
