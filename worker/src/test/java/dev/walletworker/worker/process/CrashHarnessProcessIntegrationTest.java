package dev.walletworker.worker.process;

import static dev.walletworker.worker.process.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.Posting;
import dev.walletworker.stripe.emulator.Charge;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.Reconciliation;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestWallets;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9's crash suite. Real daemons charge auto top-ups through the Stripe emulator and send
 * their emails to a real SMTP server; each cycle, usage drives a batch of wallets below their
 * threshold and the daemon is SIGKILLed at a random moment (mostly while charges are in flight,
 * sometimes while the JVM is still starting) and restarted. A last daemon settles everything, then
 * every charge, credit, attempt and email is reconciled.
 *
 * <p>Sizes come from system properties: the defaults are CI's short run, {@code ./mvnw -B
 * -Preliability verify} runs the full one. {@code -Dreliability.seed=N} replays a run's choices
 * (which faults, which moments); the seed is printed and written with the figures to {@code
 * target/reliability/crash-harness.txt}.
 */
class CrashHarnessProcessIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int CYCLES = Integer.getInteger("reliability.cycles", 4);
  private static final int TOPUPS = Integer.getInteger("reliability.topups", 40);
  private static final Path FIGURES = Path.of("target/reliability/crash-harness.txt");

  /** Both the auto top-up and the low-balance alert threshold of every wallet. */
  private static final BigDecimal THRESHOLD = new BigDecimal("20");

  /** What a crossing debit leaves: below the threshold, whatever the balance was. */
  private static final BigDecimal LEFT = new BigDecimal("10");

  /** Top-up amounts in the three bonus tiers the product offers below $250: 0%, 5%, 10%. */
  private static final String[] AMOUNTS = {"25.00", "50.00", "100.00"};

  private static final String SECRET = "whsec_crash_harness";

  private final Ledger ledger = new Ledger(db.database(), Clock.systemUTC());
  private final Map<String, Integer> crossings = new TreeMap<>();
  private int wallets;

  @Test
  void daemonsKilledAtRandomMomentsChargeEachCrossingOnceAndCreditEachChargeOnce()
      throws Exception {
    long seed = Long.getLong("reliability.seed", new SecureRandom().nextLong());
    Random random = new Random(seed);
    int perCycle = (TOPUPS + CYCLES - 1) / CYCLES;
    // Spare wallets: a wallet whose charge a kill left unanswered sits out the next cycle.
    int poolSize = perCycle + (perCycle + 1) / 2;
    System.out.printf(
        "crash harness: seed=%d cycles=%d top-ups>=%d wallets=%d (replay: -Dreliability.seed=%d)%n",
        seed, CYCLES, TOPUPS, poolSize, seed);
    long started = System.nanoTime();

    int smtpPort = DaemonProcess.freePort();
    GreenMail smtp =
        new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    StripeEmulator stripe = StripeEmulator.start(0);
    int apiPort = DaemonProcess.freePort();
    stripe.webhook("http://127.0.0.1:" + apiPort + "/v1/webhooks/stripe", SECRET);
    DaemonProcess.Target target =
        new DaemonProcess.Target(db.jdbcUrl(), db.username(), db.password());
    Map<String, String> env = env(stripe, smtpPort);
    for (int i = 0; i < poolSize; i++) {
      wallet(stripe, AMOUNTS[i % AMOUNTS.length]);
    }

    int kills = 0;
    int startupKills = 0;
    int killsInFlight = 0;
    int killsUnrecorded = 0;
    int unrecordedCharges = 0;
    List<String> cycleLines = new ArrayList<>();
    // At least one kill while the JVM starts, whatever the size; more now and then.
    int startupKillCycle = 1 + random.nextInt(CYCLES);
    DaemonProcess daemon = null;
    try {
      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        if (cycle == startupKillCycle || random.nextInt(100) < 10) {
          DaemonProcess starting =
              DaemonProcess.launch("crash-" + cycle + "-starting", target, env, apiPort);
          Thread.sleep(300 + random.nextInt(4000));
          starting.kill();
          kills++;
          startupKills++;
        }
        daemon = DaemonProcess.start("crash-" + cycle, target, env, apiPort);
        DaemonProcess current = daemon;
        await(
            "cycle " + cycle + ": " + perCycle + " wallets back above their threshold",
            () -> walletsAtOrAboveThreshold() >= perCycle,
            Duration.ofSeconds(90),
            current);

        // The kill lands while a request waits at Stripe; in some cycles Stripe also drops the
        // connection after a charge, so its answer is lost even without a kill.
        boolean drop = random.nextInt(100) < 25;
        int latency = drop ? 100 + random.nextInt(300) : 200 + random.nextInt(700);
        stripe.faults().latency(Duration.ofMillis(latency));
        if (drop) {
          stripe.faults().dropAfterChargeNext(1 + random.nextInt(3));
        }
        int requestsBefore = stripe.apiRequests();
        int crossed = cross(cycle);
        int k = 1 + random.nextInt(crossed);
        int delay = random.nextInt(latency);
        await(
            "cycle " + cycle + ": " + k + " requests at Stripe",
            () -> stripe.apiRequests() >= requestsBefore + k,
            Duration.ofSeconds(90),
            current);
        Thread.sleep(delay); // the random moment itself
        daemon.kill();
        kills++;
        long inFlight = pendingRequested();
        Thread.sleep(latency + 500L); // what had reached Stripe is charged (or not) by now
        stripe.faults().reset();
        int unrecorded = chargedButUnrecorded(stripe);
        killsInFlight += inFlight > 0 ? 1 : 0;
        killsUnrecorded += unrecorded > 0 ? 1 : 0;
        unrecordedCharges += unrecorded;
        String line =
            String.format(
                "cycle %d: crossed=%d kill after request %d +%d ms, latency=%d ms drop=%s,"
                    + " attempts in flight=%d, charged at Stripe but unrecorded=%d",
                cycle, crossed, k, delay, latency, drop, inFlight, unrecorded);
        cycleLines.add(line);
        System.out.println("crash harness: " + line);
      }

      daemon = DaemonProcess.start("crash-final", target, env, apiPort);
      // Mail a killed dispatcher had claimed waits out its lease (about 45 s with these timeouts).
      await("everything settled", () -> settled(smtp), Duration.ofSeconds(180), daemon);
      // Stopped, nothing can change behind the reconciliation.
      assertThat(daemon.terminate(Duration.ofSeconds(60))).as(daemon.log()).isZero();
    } finally {
      if (daemon != null) {
        daemon.close();
      }
      stripe.close();
    }
    try {
      List<Charge> charges = stripe.charges();
      int totalCrossings = crossings.values().stream().mapToInt(Integer::intValue).sum();
      long credited =
          db.jdbc()
              .sql("SELECT count(*) FROM wallet_transactions WHERE type = 'topup'")
              .query(Long.class)
              .single();
      Reconciliation.Mail mail = Reconciliation.mail(smtp, db.jdbc());
      Map<String, Long> outboxByKind = outboxByKind();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("seed", seed);
      figures.put("cycles", CYCLES);
      figures.put("kills", kills);
      figures.put("kills during JVM start", startupKills);
      figures.put("kills with charges in flight", killsInFlight);
      figures.put("kills between a charge at Stripe and its record", killsUnrecorded);
      figures.put("charges made at Stripe but unrecorded at a kill", unrecordedCharges);
      figures.put("wallets", poolSize);
      figures.put("crossings", totalCrossings);
      figures.put("top-ups charged", charges.size());
      figures.put("top-ups credited", credited);
      figures.put("attempts cancelled before charging (a claim raced a credit)", cancelled());
      figures.put("emails queued", mail.outbox());
      figures.put("emails by kind", outboxByKind);
      figures.put("emails delivered", mail.delivered());
      figures.put("emails repeated by a kill mid-send", mail.repeated());
      figures.put("seconds", Duration.ofNanos(System.nanoTime() - started).toSeconds());
      writeFigures(figures, cycleLines);

      // (a) every charge credited exactly once, every top-up credit a charge
      Reconciliation.assertReconciled(stripe, db.jdbc());
      // (b) no crossing charged twice, and none left without its top-up
      Reconciliation.assertOneChargePerAttempt(stripe, db.jdbc());
      Map<String, Integer> chargesPerWallet = new TreeMap<>();
      for (Charge charge : charges) {
        chargesPerWallet.merge(charge.metadata().get("account_id"), 1, Integer::sum);
      }
      assertThat(chargesPerWallet).as("charges per wallet = its crossings").isEqualTo(crossings);
      // (c) no attempt left unresolved. Every card here is good, so the only failed attempts are
      // claims that raced a credit (a webhook settling the previous attempt) and were cancelled
      // before any request reached Stripe.
      Reconciliation.assertNoAttemptUnresolved(db.jdbc());
      assertThat(
              db.jdbc()
                  .sql(
                      "SELECT id || ' ' || coalesce(failure_code, '') || ' requests=' || requests"
                          + " FROM topup_attempts WHERE status <> 'succeeded'"
                          + " AND (charge_requested_at IS NOT NULL OR requests > 0"
                          + "      OR failure_code <> 'no_longer_needed')")
                  .query(String.class)
                  .list())
          .as("failed attempts other than cancellations before any request")
          .isEmpty();
      // (d) no email for one event twice: a copy can only repeat the one message a killed
      // dispatcher had in flight (the same Message-ID)
      Reconciliation.assertEachEmailDeliveredOnce(smtp, db.jdbc());
      assertThat(mail.repeated()).as("repeated deliveries").isLessThanOrEqualTo(kills);
      assertThat(
              db.jdbc()
                  .sql("SELECT count(*) FROM mail_outbox WHERE attempts > 1")
                  .query(Long.class)
                  .single())
          .as("outbox rows claimed more than once (a repeat needs its row claimed again)")
          .isGreaterThanOrEqualTo(mail.repeated());
      assertThat(outboxByKind.getOrDefault("topup_receipt", 0L))
          .as("one receipt per top-up")
          .isEqualTo(charges.size());
      assertThat(lowBalanceEmailsPerWallet())
          .as("low-balance emails per wallet")
          .allSatisfy(
              (account, count) -> assertThat(count).isLessThanOrEqualTo(crossings.get(account)));
      // Balances add up to their ledgers, and every wallet is back above its threshold.
      assertThat(walletsWhoseBalanceIsNotTheirLedger()).isEmpty();
      assertThat(walletsAtOrAboveThreshold()).isEqualTo(poolSize);
      assertThat(charges.size()).as("top-ups charged").isGreaterThanOrEqualTo(TOPUPS);
      assertThat(killsInFlight * 2)
          .as("kills that landed with charges in flight")
          .isGreaterThan(CYCLES);
    } finally {
      smtp.stop();
    }
  }

  // --- the cycle

  private static Map<String, String> env(StripeEmulator stripe, int smtpPort) {
    Map<String, String> env = new HashMap<>();
    env.put("STRIPE_API_KEY", "sk_test_crash_harness");
    env.put("STRIPE_API_BASE", stripe.apiBase());
    env.put("STRIPE_WEBHOOK_SECRET", SECRET);
    // A lost answer is an unknown outcome for the job to resolve, not hidden by client retries;
    // the short timeout keeps a dead runner's lease on its attempts short (3 x 2 s + 5 s).
    env.put("STRIPE_NETWORK_RETRIES", "0");
    env.put("STRIPE_READ_TIMEOUT", "2s");
    env.put("AUTO_TOPUP_CRON", "* * * * * ?");
    env.put("AUTO_TOPUP_DAILY_CAP", "1000"); // wallets cross again every cycle
    env.put("AUTO_TOPUP_RETRY_INITIAL", "1s");
    env.put("AUTO_TOPUP_RETRY_MAX", "2s");
    env.put("AUTO_TOPUP_SEARCH_AFTER", "5s"); // the second net (search by metadata) gets used too
    env.put("LOW_BALANCE_ALERTS_CRON", "0/2 * * * * ?");
    env.put("MAIL_DISPATCH_CRON", "* * * * * ?");
    env.put("SMTP_HOST", "127.0.0.1");
    env.put("SMTP_PORT", Integer.toString(smtpPort));
    env.put("SMTP_CONNECT_TIMEOUT", "1s");
    env.put("SMTP_READ_TIMEOUT", "3s");
    env.put("SMTP_WRITE_TIMEOUT", "3s");
    env.put("MAIL_FROM", "Wallet <billing@wallet.example>");
    env.put("MAIL_INITIAL_BACKOFF", "1s");
    env.put("MAIL_MAX_BACKOFF", "2s");
    return env;
  }

  /**
   * Debits every wallet at or above its threshold down to {@link #LEFT} through the production
   * ledger; returns how many crossed (a wallet whose top-up is still unresolved is left alone).
   */
  private int cross(int cycle) {
    List<Map<String, Object>> rows =
        db.jdbc()
            .sql("SELECT account_id, balance FROM wallets WHERE balance >= ? ORDER BY account_id")
            .param(THRESHOLD)
            .query()
            .listOfRows();
    int crossed = 0;
    for (Map<String, Object> row : rows) {
      String account = (String) row.get("account_id");
      BigDecimal debit = ((BigDecimal) row.get("balance")).subtract(LEFT);
      Posting posting =
          ledger.debitUsage(account, debit, "API usage", "usage-" + cycle + "-" + account);
      BigDecimal after = posting.balanceAfter();
      if (after.add(debit).compareTo(THRESHOLD) >= 0 && after.compareTo(THRESHOLD) < 0) {
        crossings.merge(account, 1, Integer::sum);
        crossed++;
      }
    }
    return crossed;
  }

  private boolean settled(GreenMail smtp) {
    // In this order: once no wallet is below its threshold no alert can be queued, and a receipt
    // is queued with its credit, so a sent outbox then stays sent.
    if (pendingOrWaiting() > 0 || walletsAtOrAboveThreshold() < wallets) {
      return false;
    }
    long outbox = db.jdbc().sql("SELECT count(*) FROM mail_outbox").query(Long.class).single();
    long sent =
        db.jdbc()
            .sql("SELECT count(*) FROM mail_outbox WHERE status = 'sent'")
            .query(Long.class)
            .single();
    return sent == outbox && smtp.getReceivedMessages().length >= outbox;
  }

  // --- queries

  private void wallet(StripeEmulator stripe, String amount) {
    String id = TestWallets.accountId(++wallets);
    TestWallets.wallet(id)
        .balance(40)
        .autoTopUp(THRESHOLD, amount, stripe.createCustomer(id + "@example.com"), "pm_card_visa")
        .lowBalanceAlert(THRESHOLD)
        .insert(db.jdbc());
  }

  private long walletsAtOrAboveThreshold() {
    return db.jdbc()
        .sql("SELECT count(*) FROM wallets WHERE balance >= ?")
        .param(THRESHOLD)
        .query(Long.class)
        .single();
  }

  /** Attempts whose charge was requested and not answered yet. */
  private long pendingRequested() {
    return db.jdbc()
        .sql(
            "SELECT count(*) FROM topup_attempts WHERE status = 'pending'"
                + " AND charge_requested_at IS NOT NULL")
        .query(Long.class)
        .single();
  }

  private long cancelled() {
    return db.jdbc()
        .sql("SELECT count(*) FROM topup_attempts WHERE status = 'failed'")
        .query(Long.class)
        .single();
  }

  private long pendingOrWaiting() {
    return db.jdbc()
        .sql("SELECT count(*) FROM topup_attempts WHERE status IN ('pending', 'requires_action')")
        .query(Long.class)
        .single();
  }

  /** Charges Stripe made whose PaymentIntent no attempt has recorded. */
  private int chargedButUnrecorded(StripeEmulator stripe) {
    Set<String> recorded =
        new HashSet<>(
            db.jdbc()
                .sql(
                    "SELECT payment_intent_id FROM topup_attempts WHERE payment_intent_id IS NOT NULL")
                .query(String.class)
                .list());
    return (int)
        stripe.charges().stream().filter(c -> !recorded.contains(c.paymentIntent())).count();
  }

  private Map<String, Long> outboxByKind() {
    return db
        .jdbc()
        .sql("SELECT kind, count(*) AS n FROM mail_outbox GROUP BY kind ORDER BY kind")
        .query()
        .listOfRows()
        .stream()
        .collect(
            Collectors.toMap(
                row -> (String) row.get("kind"),
                row -> ((Number) row.get("n")).longValue(),
                (a, b) -> a,
                TreeMap::new));
  }

  private Map<String, Integer> lowBalanceEmailsPerWallet() {
    return db
        .jdbc()
        .sql(
            "SELECT account_id, count(*) AS n FROM mail_outbox WHERE kind = 'low_balance'"
                + " GROUP BY account_id")
        .query()
        .listOfRows()
        .stream()
        .collect(
            Collectors.toMap(
                row -> (String) row.get("account_id"), row -> ((Number) row.get("n")).intValue()));
  }

  /** The wallets started at 40 with no ledger row: each balance is 40 plus its ledger. */
  private List<String> walletsWhoseBalanceIsNotTheirLedger() {
    return db.jdbc()
        .sql(
            "SELECT w.account_id FROM wallets w LEFT JOIN wallet_transactions t"
                + " ON t.account_id = w.account_id GROUP BY w.account_id, w.balance"
                + " HAVING w.balance <> 40 + coalesce(sum(t.amount), 0)")
        .query(String.class)
        .list();
  }

  private static void writeFigures(Map<String, Object> figures, List<String> cycles)
      throws java.io.IOException {
    StringBuilder text = new StringBuilder("Crash harness (issue 9)\n");
    figures.forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
    text.append('\n');
    cycles.forEach(line -> text.append(line).append('\n'));
    Files.createDirectories(FIGURES.getParent());
    Files.writeString(FIGURES, text, StandardCharsets.UTF_8);
    System.out.print("crash harness figures (" + FIGURES.toAbsolutePath() + "):\n" + text);
  }
}
