package dev.walletworker.worker;

import java.time.Duration;
import java.util.Map;

/**
 * Refuses settings that would only fail later, or quietly misbehave: a pool of no connections, a
 * negative cool-down, an SMTP user without its password. Each message names the environment
 * variable an operator sets and the key in {@code config/application.yml}.
 */
final class SettingsCheck {

  private SettingsCheck() {}

  static void check(
      WorkerProperties.Database database,
      Map<String, WorkerProperties.JobSettings> jobs,
      WorkerProperties.Scheduler scheduler,
      WorkerProperties.WakeUp wakeup,
      WorkerProperties.Mail mail,
      WorkerProperties.Stripe stripe,
      WorkerProperties.TopUp topup,
      WorkerProperties.Api api,
      WorkerProperties.Metering metering) {
    if (database != null) {
      atLeast(database.poolSize(), 1, "DATABASE_POOL_SIZE", "wallet.database.pool-size");
      positive(
          database.connectTimeout(), "DATABASE_CONNECT_TIMEOUT", "wallet.database.connect-timeout");
    }
    if (jobs != null) {
      jobs.forEach(
          (name, job) -> {
            if (job != null) {
              atLeast(job.chunkSize(), 1, null, "wallet.jobs." + name + ".chunk-size");
            }
          });
    }
    if (scheduler != null) {
      atLeast(scheduler.threads(), 1, "SCHEDULER_THREADS", "wallet.scheduler.threads");
      positive(
          scheduler.clusterCheckin(),
          "SCHEDULER_CLUSTER_CHECKIN",
          "wallet.scheduler.cluster-checkin");
      positive(
          scheduler.misfireThreshold(),
          "SCHEDULER_MISFIRE_THRESHOLD",
          "wallet.scheduler.misfire-threshold");
      positive(scheduler.idleWait(), "SCHEDULER_IDLE_WAIT", "wallet.scheduler.idle-wait");
      notNegative(
          scheduler.drainTimeout(), "SHUTDOWN_DRAIN_TIMEOUT", "wallet.scheduler.drain-timeout");
    }
    if (wakeup != null) {
      notNegative(wakeup.coalesce(), "WAKEUP_COALESCE", "wallet.wakeup.coalesce");
      positive(wakeup.reconnectDelay(), "WAKEUP_RECONNECT_DELAY", "wallet.wakeup.reconnect-delay");
    }
    if (mail != null) {
      checkMail(mail);
    }
    if (stripe != null) {
      atLeast(
          stripe.networkRetries(), 0, "STRIPE_NETWORK_RETRIES", "wallet.stripe.network-retries");
      atLeast(
          stripe.maxRequestsPerSecond(),
          1,
          "STRIPE_MAX_REQUESTS_PER_SECOND",
          "wallet.stripe.max-requests-per-second");
      positive(stripe.connectTimeout(), "STRIPE_CONNECT_TIMEOUT", "wallet.stripe.connect-timeout");
      positive(stripe.readTimeout(), "STRIPE_READ_TIMEOUT", "wallet.stripe.read-timeout");
      positive(
          stripe.webhookTolerance(), "STRIPE_WEBHOOK_TOLERANCE", "wallet.stripe.webhook-tolerance");
      String key = stripe.apiKey();
      if (key != null && !key.isBlank() && !key.startsWith("sk_") && !key.startsWith("rk_")) {
        // Never echo the value: it may be a live secret pasted into the wrong variable.
        throw new IllegalArgumentException(
            "STRIPE_API_KEY (wallet.stripe.api-key) must be a secret or restricted key (sk_… or"
                + " rk_…); a publishable key cannot charge");
      }
    }
    if (topup != null) {
      checkTopUp(topup);
    }
    if (metering != null) {
      atLeast(metering.maxEvents(), 1, "METERING_MAX_EVENTS", "wallet.metering.max-events");
      atLeast(
          metering.maxBodyBytes(),
          1024,
          "METERING_MAX_BODY_BYTES",
          "wallet.metering.max-body-bytes");
      atLeast(metering.writers(), 1, "METERING_WRITERS", "wallet.metering.writers");
      atLeast(metering.maxGroup(), 1, "METERING_MAX_GROUP", "wallet.metering.max-group");
      positive(metering.timeout(), "METERING_TIMEOUT", "wallet.metering.timeout");
    }
    if (api != null) {
      atLeast(api.maxBodyBytes(), 1024, "API_MAX_BODY_BYTES", "wallet.api.max-body-bytes");
    }
  }

  private static void checkMail(WorkerProperties.Mail mail) {
    if (mail.port() < 1 || mail.port() > 65535) {
      throw new IllegalArgumentException(
          "SMTP_PORT (wallet.mail.port) must be a port from 1 to 65535, was " + mail.port());
    }
    boolean user = mail.username() != null && !mail.username().isBlank();
    boolean password = mail.password() != null && !mail.password().isEmpty();
    if (user && !password) {
      throw new IllegalArgumentException(
          "SMTP_PASSWORD (wallet.mail.password) is missing: SMTP_USERNAME is set, so the server"
              + " expects a password");
    }
    positive(mail.connectTimeout(), "SMTP_CONNECT_TIMEOUT", "wallet.mail.connect-timeout");
    positive(mail.readTimeout(), "SMTP_READ_TIMEOUT", "wallet.mail.read-timeout");
    positive(mail.writeTimeout(), "SMTP_WRITE_TIMEOUT", "wallet.mail.write-timeout");
    atLeast(mail.batchSize(), 1, "MAIL_BATCH_SIZE", "wallet.mail.batch-size");
    atLeast(mail.maxAttempts(), 1, "MAIL_MAX_ATTEMPTS", "wallet.mail.max-attempts");
    positive(mail.initialBackoff(), "MAIL_INITIAL_BACKOFF", "wallet.mail.initial-backoff");
    positive(mail.maxBackoff(), "MAIL_MAX_BACKOFF", "wallet.mail.max-backoff");
    if (mail.maxBackoff().compareTo(mail.initialBackoff()) < 0) {
      throw new IllegalArgumentException(
          "MAIL_MAX_BACKOFF (wallet.mail.max-backoff) must not be shorter than"
              + " MAIL_INITIAL_BACKOFF ("
              + mail.initialBackoff()
              + "), was "
              + mail.maxBackoff());
    }
  }

  private static void checkTopUp(WorkerProperties.TopUp topup) {
    notNegative(topup.cooldown(), "AUTO_TOPUP_COOLDOWN", "wallet.topup.cooldown");
    atLeast(topup.maxFailures(), 1, "AUTO_TOPUP_MAX_FAILURES", "wallet.topup.max-failures");
    atLeast(topup.dailyCap(), 1, "AUTO_TOPUP_DAILY_CAP", "wallet.topup.daily-cap");
    positive(topup.retryInitial(), "AUTO_TOPUP_RETRY_INITIAL", "wallet.topup.retry-initial");
    positive(topup.retryMax(), "AUTO_TOPUP_RETRY_MAX", "wallet.topup.retry-max");
    positive(topup.searchAfter(), "AUTO_TOPUP_SEARCH_AFTER", "wallet.topup.search-after");
    positive(topup.giveUpAfter(), "AUTO_TOPUP_GIVE_UP_AFTER", "wallet.topup.give-up-after");
    if (topup.giveUpAfter() != null && topup.giveUpAfter().compareTo(Duration.ofHours(24)) >= 0) {
      // Stripe forgets an idempotency key after 24 hours: asking again later could charge twice.
      throw new IllegalArgumentException(
          "AUTO_TOPUP_GIVE_UP_AFTER (wallet.topup.give-up-after) must be under 24h, Stripe's"
              + " idempotency window, was "
              + topup.giveUpAfter());
    }
    positive(topup.actionTimeout(), "AUTO_TOPUP_ACTION_TIMEOUT", "wallet.topup.action-timeout");
    atLeast(topup.batchSize(), 1, "AUTO_TOPUP_BATCH_SIZE", "wallet.topup.batch-size");
    atLeast(topup.concurrency(), 1, "AUTO_TOPUP_CONCURRENCY", "wallet.topup.concurrency");
  }

  private static void atLeast(int value, int min, String variable, String key) {
    if (value < min) {
      throw new IllegalArgumentException(
          name(variable, key) + " must be at least " + min + ", was " + value);
    }
  }

  private static void positive(Duration value, String variable, String key) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(
          name(variable, key) + " must be a positive duration (e.g. 30s, 5m), was " + value);
    }
  }

  private static void notNegative(Duration value, String variable, String key) {
    if (value != null && value.isNegative()) {
      throw new IllegalArgumentException(
          name(variable, key) + " must not be negative, was " + value);
    }
  }

  private static String name(String variable, String key) {
    return variable == null ? key : variable + " (" + key + ")";
  }
}
