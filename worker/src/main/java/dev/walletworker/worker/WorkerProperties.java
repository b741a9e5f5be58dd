package dev.walletworker.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every setting of the worker, bound from {@code config/application.yml} (prefix {@code wallet}).
 * Each key there maps to an environment variable; the README's configuration table lists them.
 *
 * @param database where the data lives
 * @param jobs each batch job's schedule and chunk size, by job name
 * @param scheduler the Quartz cluster
 * @param wakeup running jobs at once when a wallet crosses a threshold
 * @param mail how email is sent
 * @param stripe how Stripe is reached
 * @param topup how auto top-up behaves
 * @param timeZone the zone of calendar months (spending limits) and of the cron schedules
 * @param api the wallet HTTP API
 * @param metering the metering API the AI API's gateway posts usage to
 * @param billing the owner's billing pages
 * @param ops the ops console on the management port
 */
@ConfigurationProperties("wallet")
public record WorkerProperties(
    @DefaultValue Database database,
    Map<String, JobSettings> jobs,
    @DefaultValue Scheduler scheduler,
    @DefaultValue WakeUp wakeup,
    @DefaultValue Mail mail,
    @DefaultValue Stripe stripe,
    @DefaultValue TopUp topup,
    @DefaultValue("UTC") java.time.ZoneId timeZone,
    @DefaultValue Api api,
    @DefaultValue Metering metering,
    @DefaultValue Billing billing,
    @DefaultValue Ops ops) {

  public WorkerProperties {
    SettingsCheck.check(database, jobs, scheduler, wakeup, mail, stripe, topup, api, metering);
  }

  public Map<String, JobSettings> jobs() {
    return jobs == null ? Map.of() : jobs;
  }

  /**
   * @param url JDBC URL of an external PostgreSQL ({@code DATABASE_URL}); blank starts the embedded
   *     one
   * @param username user for {@code url} ({@code DATABASE_USERNAME})
   * @param password password for {@code url} ({@code DATABASE_PASSWORD})
   * @param poolSize most connections this process opens
   * @param connectTimeout how long to wait for a connection before failing
   * @param migrateOnStart apply pending Flyway migrations when the process starts
   * @param embedded the embedded server used when {@code url} is blank
   */
  public record Database(
      String url,
      String username,
      String password,
      @DefaultValue("10") int poolSize,
      @DefaultValue("10s") Duration connectTimeout,
      @DefaultValue("true") boolean migrateOnStart,
      @DefaultValue Embedded embedded) {

    public boolean isEmbedded() {
      return url == null || url.isBlank();
    }
  }

  /**
   * @param dataDir where the embedded server keeps its data, relative to the working directory
   * @param port loopback port of the embedded server; a second process on the same data reuses it
   */
  public record Embedded(@DefaultValue("var/pg") Path dataDir, @DefaultValue("54329") int port) {}

  /**
   * @param cron when the job runs, as a Quartz cron expression (seconds first), in UTC
   * @param chunkSize items per transaction of the jobs that scan wallets (low-balance-alerts,
   *     budget-enforcement) and of hold-expiry (holds per pass); auto-topup's is {@code
   *     wallet.topup.batch-size}, mail-dispatch's {@code wallet.mail.batch-size}, and
   *     month-rollover lifts each block in its own transaction
   */
  public record JobSettings(
      String cron, @DefaultValue("" + dev.walletworker.db.ChunkSize.DEFAULT) int chunkSize) {}

  /**
   * @param enabled join the cluster and run jobs; false serves only HTTP (an API-only node)
   * @param threads jobs one daemon runs at the same time (each job type runs once at a time)
   * @param clusterCheckin how often a daemon tells the cluster it is alive; a daemon silent for
   *     about twice this long is presumed dead and its running jobs are recovered by another
   * @param misfireThreshold how late a tick may be before it counts as missed (a missed tick fires
   *     once, not once per missed tick)
   * @param idleWait how often an idle daemon looks for runs queued by other processes
   * @param drainTimeout on SIGTERM, how long running jobs may take to finish before they are asked
   *     to stop at their next chunk boundary
   */
  public record Scheduler(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("3") int threads,
      @DefaultValue("5s") Duration clusterCheckin,
      @DefaultValue("60s") Duration misfireThreshold,
      @DefaultValue("5s") Duration idleWait,
      @DefaultValue("30s") Duration drainTimeout) {}

  /**
   * @param enabled listen for the database's wallet_wakeup notifications
   * @param coalesce how long to gather notifications into one run per job
   * @param reconnectDelay first wait before reconnecting a lost listener (doubles up to 30 s)
   */
  public record WakeUp(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("50ms") Duration coalesce,
      @DefaultValue("1s") Duration reconnectDelay) {}

  /**
   * @param host SMTP server
   * @param port SMTP port
   * @param username SMTP user; blank for no authentication
   * @param password SMTP password
   * @param startTls require STARTTLS
   * @param from the From address
   * @param replyTo the Reply-To address; blank for none
   * @param dashboardUrl the billing dashboard every email links to
   * @param connectTimeout SMTP connect timeout
   * @param readTimeout SMTP read timeout
   * @param writeTimeout SMTP write timeout
   * @param batchSize messages sent over one SMTP connection
   * @param maxAttempts attempts before a message is marked failed
   * @param initialBackoff wait after the first failed attempt; doubles each time
   * @param maxBackoff the longest wait between attempts
   */
  public record Mail(
      @DefaultValue("localhost") String host,
      @DefaultValue("25") int port,
      String username,
      String password,
      @DefaultValue("false") boolean startTls,
      @DefaultValue("Wallet Billing <billing@example.com>") String from,
      String replyTo,
      @DefaultValue("http://localhost:8080") String dashboardUrl,
      @DefaultValue("10s") Duration connectTimeout,
      @DefaultValue("30s") Duration readTimeout,
      @DefaultValue("30s") Duration writeTimeout,
      @DefaultValue("50") int batchSize,
      @DefaultValue("12") int maxAttempts,
      @DefaultValue("30s") Duration initialBackoff,
      @DefaultValue("15m") Duration maxBackoff)
      implements dev.walletworker.mail.MailSettings {}

  /**
   * @param apiKey the secret key ({@code sk_…}); blank: nothing is charged and the auto-topup job
   *     says so when a wallet needs a top-up
   * @param apiBase Stripe's API, or the emulator's address
   * @param webhookSecret the webhook endpoint's signing secret ({@code whsec_…}); blank: webhooks
   *     are refused
   * @param webhookTolerance how old a signed webhook may be
   * @param connectTimeout connect timeout of every request
   * @param readTimeout read timeout of every request
   * @param networkRetries stripe-java's own retries of a request (same idempotency key), and ours
   *     of a request refused with 429
   * @param maxRequestsPerSecond the most requests a second this process sends to Stripe
   */
  public record Stripe(
      String apiKey,
      @DefaultValue("https://api.stripe.com") String apiBase,
      String webhookSecret,
      @DefaultValue("5m") Duration webhookTolerance,
      @DefaultValue("5s") Duration connectTimeout,
      @DefaultValue("20s") Duration readTimeout,
      @DefaultValue("2") int networkRetries,
      @DefaultValue("80") int maxRequestsPerSecond) {}

  /**
   * @param cooldown no new attempt this long after a decline
   * @param maxFailures declines in a row before auto top-up is switched off
   * @param dailyCap most automatic top-ups per account in 24 hours
   * @param retryInitial first wait before asking Stripe again about an unanswered charge
   * @param retryMax longest wait between such questions
   * @param searchAfter an unanswered attempt this old is also looked up by its metadata
   * @param giveUpAfter an unanswered attempt unknown to Stripe this long is failed
   * @param actionTimeout how long a payment may wait for the owner's authentication
   * @param batchSize attempts charged per step
   * @param concurrency attempts taken to Stripe at the same time
   */
  public record TopUp(
      @DefaultValue("1h") Duration cooldown,
      @DefaultValue("3") int maxFailures,
      @DefaultValue("5") int dailyCap,
      @DefaultValue("10s") Duration retryInitial,
      @DefaultValue("10m") Duration retryMax,
      @DefaultValue("10m") Duration searchAfter,
      @DefaultValue("23h") Duration giveUpAfter,
      @DefaultValue("24h") Duration actionTimeout,
      @DefaultValue("50") int batchSize,
      @DefaultValue("32") int concurrency)
      implements dev.walletworker.topup.TopUpSettings {}

  /**
   * @param maxBodyBytes the largest request body accepted
   * @param checkoutSuccessUrl where Stripe Checkout returns the owner after paying
   * @param checkoutCancelUrl where Stripe Checkout returns the owner after cancelling
   */
  public record Api(
      @DefaultValue("16384") int maxBodyBytes,
      @DefaultValue("https://dashboard.example.com/billing?topup=success")
          String checkoutSuccessUrl,
      @DefaultValue("https://dashboard.example.com/billing?topup=cancelled")
          String checkoutCancelUrl) {}

  /**
   * @param maxEvents the most events one {@code POST /v1/usage} may carry
   * @param maxBodyBytes the largest body the metering endpoints accept (413 above)
   * @param writers threads writing usage groups on this node (each owns a share of the accounts)
   * @param maxGroup the most events committed in one transaction
   * @param gather how long a writer holding a small group waits for more events (zero: never)
   * @param timeout how long a request waits for its group to commit before it answers 503
   */
  public record Metering(
      @DefaultValue("1000") int maxEvents,
      @DefaultValue("1048576") int maxBodyBytes,
      @DefaultValue("2") int writers,
      @DefaultValue("2000") int maxGroup,
      @DefaultValue("1ms") Duration gather,
      @DefaultValue("10s") Duration timeout) {}

  /**
   * @param stripeJsUrl where the payment-confirmation page loads Stripe.js from
   * @param stripePublishableKey the publishable key ({@code pk_…}) Stripe.js runs with; blank: the
   *     page says confirmation is not available here
   * @param signInLinkLifetime how long an emailed sign-in link works
   * @param signInMaxRequests the most sign-in links one address may ask for per window
   * @param signInWindow the window of {@code signInMaxRequests}
   */
  public record Billing(
      @DefaultValue("https://js.stripe.com/v3/") String stripeJsUrl,
      String stripePublishableKey,
      @DefaultValue("15m") Duration signInLinkLifetime,
      @DefaultValue("5") int signInMaxRequests,
      @DefaultValue("15m") Duration signInWindow) {

    public Billing {
      if (signInLinkLifetime.isNegative() || signInLinkLifetime.isZero()) {
        throw new IllegalArgumentException(
            "SIGN_IN_LINK_LIFETIME (wallet.billing.sign-in-link-lifetime) must be positive");
      }
      if (signInMaxRequests < 1) {
        throw new IllegalArgumentException(
            "SIGN_IN_MAX_REQUESTS (wallet.billing.sign-in-max-requests) must be at least 1");
      }
      if (signInWindow.isNegative() || signInWindow.isZero()) {
        throw new IllegalArgumentException(
            "SIGN_IN_WINDOW (wallet.billing.sign-in-window) must be positive");
      }
      if (!stripeJsUrl.startsWith("https://") && !stripeJsUrl.startsWith("http://")) {
        throw new IllegalArgumentException(
            "STRIPE_JS_URL (wallet.billing.stripe-js-url) must be an http(s) address, got '"
                + stripeJsUrl
                + "'");
      }
    }
  }

  /**
   * @param sessionTimeout a console session ends after this long without a request
   * @param remoteAccess serve the console to a client that is not on this host (when {@code
   *     MANAGEMENT_ADDRESS} is not a loopback address); false refuses such a client
   */
  public record Ops(
      @DefaultValue("30m") Duration sessionTimeout, @DefaultValue("false") boolean remoteAccess) {

    public Ops {
      if (sessionTimeout.isNegative() || sessionTimeout.toSeconds() < 1) {
        throw new IllegalArgumentException(
            "OPS_SESSION_TIMEOUT (wallet.ops.session-timeout) must be at least 1s");
      }
    }
  }
}
