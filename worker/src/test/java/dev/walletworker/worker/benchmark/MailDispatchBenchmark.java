package dev.walletworker.worker.benchmark;

import static dev.walletworker.worker.benchmark.BenchmarkReport.median;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.walletworker.mail.MailComposer;
import dev.walletworker.mail.MailDispatchJobConfiguration;
import dev.walletworker.mail.MailKind;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailRenderer;
import dev.walletworker.mail.MailSettings;
import dev.walletworker.testing.BatchJobs;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestMailSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import tools.jackson.databind.json.JsonMapper;

/**
 * Benchmark 4: email dispatch to a local SMTP server (GreenMail on loopback). The real
 * mail-dispatch job sends a queued outbox with connection reuse (batch size 50, the default: {@code
 * MailDispatcher} claims a batch and sends it over one SMTP connection) and with one connection per
 * message (batch size 1), alternating, in the same run: against GreenMail made to answer at once
 * (the headline) and against stock GreenMail, whose replies stall each new connection.
 */
class MailDispatchBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int MESSAGES = 2_000;
  private static final int STOCK_MESSAGES = 500;

  /** Enough for the JIT to settle on the sending path before anything is timed. */
  private static final int WARM_UP = 500;

  private static final int STOCK_WARM_UP = 50;
  private static final int RUNS = 3;
  private static final int ACCOUNTS = 100;
  private static final int REUSE = 50;
  private static final int PER_MESSAGE = 1;

  @Test
  void dispatch() throws Exception {
    db.jdbc()
        .sql(
            "INSERT INTO accounts (id, email, display_name, created_at)"
                + " SELECT 'acct_' || lpad(g::text, 16, '0'), 'owner' || g || '@example.com',"
                + " 'Owner ' || g, now() FROM generate_series(1, ?) g")
        .param(ACCOUNTS)
        .update();
    Rates prompt = measure(true, WARM_UP, MESSAGES, RUNS);
    Rates stock = measure(false, STOCK_WARM_UP, STOCK_MESSAGES, 1);
    String report =
        String.format(
            "mail dispatch: queued emails sent by the mail-dispatch job to GreenMail SMTP on"
                + " loopback; modes alternate in the same run%n"
                + "  SMTP server answering each reply at once (GreenMail, TCP_NODELAY), %,d emails,"
                + " median of %d runs per mode:%n"
                + "%s"
                + "  stock GreenMail (Nagle: every new connection waits ~40 ms for the rest of its"
                + " EHLO reply), %,d emails, 1 run per mode:%n"
                + "%s"
                + "  no numeric target in the issue; ratio > 1 means reuse pays. Batch size 1 also"
                + " claims each message with its own outbox query: that is what one connection per"
                + " message costs in this dispatcher.%n"
                + "  delivered: every email of every run (GreenMail's count and the outbox's sent"
                + " count both checked)%n",
            MESSAGES, RUNS, prompt, STOCK_MESSAGES, stock);
    BenchmarkReport.publish("mail-dispatch", report);
  }

  private record Rates(
      double reuse, List<Long> reuseMillis, double perMessage, List<Long> perMessageMillis) {
    @Override
    public String toString() {
      return String.format(
          "    connection reuse (batch size %d, one connection per batch): %5.0f messages/s"
              + " (runs %s ms)%n"
              + "    one connection per message (batch size %d):               %5.0f messages/s"
              + " (runs %s ms)%n"
              + "    ratio reuse / per message: %.2f%n",
          REUSE, reuse, reuseMillis, PER_MESSAGE, perMessage, perMessageMillis, reuse / perMessage);
    }
  }

  private static Rates measure(boolean prompt, int warmUp, int messages, int runs)
      throws Exception {
    Clock clock = Clock.systemUTC();
    int port = freePort();
    ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    GreenMail smtp = prompt ? new PromptGreenMail(setup) : new GreenMail(setup);
    smtp.start();
    try (BatchJobs reuse = jobs(port, REUSE, clock);
        BatchJobs perMessage = jobs(port, PER_MESSAGE, clock)) {
      send(reuse, smtp, warmUp);
      send(perMessage, smtp, warmUp);
      List<Long> reuseMillis = new ArrayList<>();
      List<Long> perMessageMillis = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        reuseMillis.add(send(reuse, smtp, messages));
        perMessageMillis.add(send(perMessage, smtp, messages));
      }
      return new Rates(
          messages * 1000.0 / median(reuseMillis),
          reuseMillis,
          messages * 1000.0 / median(perMessageMillis),
          perMessageMillis);
    } finally {
      smtp.stop();
    }
  }

  /**
   * GreenMail writes a multi-line SMTP reply line by line with Nagle's algorithm on, so the second
   * line of the EHLO reply waits for the client's delayed ACK (~40 ms on Linux): a cost of this
   * test server, not of SMTP, and one that falls on every new connection. With TCP_NODELAY on the
   * accepted socket the reply leaves at once.
   */
  static final class PromptGreenMail extends GreenMail {

    PromptGreenMail(ServerSetup setup) {
      super(setup);
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers managers) {
      Map<String, AbstractServer> services = new HashMap<>();
      for (ServerSetup setup : config) {
        services.put(
            setup.getProtocol(),
            new SmtpServer(setup, managers) {
              @Override
              protected void handleClientSocket(Socket socket) throws SocketException {
                socket.setTcpNoDelay(true);
                super.handleClientSocket(socket);
              }
            });
      }
      return services;
    }
  }

  /**
   * Queues {@code count} emails, runs the job once and returns its wall time; fails unless every
   * one was sent and GreenMail received every one.
   */
  private static long send(BatchJobs jobs, GreenMail smtp, int count) throws Exception {
    db.jdbc().sql("DELETE FROM mail_outbox").update();
    smtp.purgeEmailFromAllMailboxes();
    String payload =
        JsonMapper.builder().build().writeValueAsString(MailKind.LOW_BALANCE.samplePayload());
    db.jdbc()
        .sql(
            "INSERT INTO mail_outbox (dedupe_key, kind, account_id, recipient, payload,"
                + " next_attempt_at, created_at)"
                + " SELECT ? || ':' || a.id || ':' || g, ?, a.id, a.email, ?::jsonb, now(), now()"
                + " FROM generate_series(1, ?) g"
                + " JOIN accounts a ON a.id = 'acct_' || lpad((g % ? + 1)::text, 16, '0')")
        .params(MailKind.LOW_BALANCE.code(), MailKind.LOW_BALANCE.code(), payload, count, ACCOUNTS)
        .update();
    long start = System.nanoTime();
    JobExecution run = jobs.run(MailDispatchJobConfiguration.JOB_NAME);
    long millis = (System.nanoTime() - start) / 1_000_000;
    int sent =
        db.jdbc()
            .sql("SELECT count(*) FROM mail_outbox WHERE status = 'sent'")
            .query(Integer.class)
            .single();
    int received = smtp.getReceivedMessages().length;
    if (run.getStatus() != BatchStatus.COMPLETED || sent != count || received != count) {
      throw new AssertionError(
          "run " + run.getStatus() + ": " + sent + " sent, " + received + " received of " + count);
    }
    return millis;
  }

  private static BatchJobs jobs(int port, int batchSize, Clock clock) {
    MailSettings settings =
        TestMailSettings.local(port)
            .withReplyTo("")
            .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30))
            .withBatchSize(batchSize);
    MailComposer composer =
        new MailComposer(
            new MailRenderer(settings.dashboardUrl()), settings.from(), settings.replyTo());
    return new BatchJobs(
        db,
        clock,
        List.of(settings, composer, new MailOutbox(db.database(), clock)),
        MailDispatchJobConfiguration.class);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
