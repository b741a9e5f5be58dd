package dev.walletworker.topup;

import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailPayload;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Claims a candidate wallet: commits a pending attempt for it (with the chunk), or, when the daily
 * cap stops it, tells the owner once for that 24-hour window.
 */
final class ClaimTopUpItemProcessor implements ItemProcessor<String, String> {

  private static final Logger log = LoggerFactory.getLogger(ClaimTopUpItemProcessor.class);

  private final TopUpAttempts attempts;
  private final MailOutbox mail;
  private final TopUpSettings settings;

  ClaimTopUpItemProcessor(TopUpAttempts attempts, MailOutbox mail, TopUpSettings settings) {
    this.attempts = attempts;
    this.mail = mail;
    this.settings = settings;
  }

  @Override
  public String process(String accountId) {
    Optional<String> claimed = attempts.claim(accountId, settings.dailyCap());
    if (claimed.isPresent()) {
      log.info("auto top-up claimed account={} attempt={}", accountId, claimed.get());
      return claimed.get();
    }
    attempts
        .capWindow(accountId, settings.dailyCap())
        .ifPresent(
            window -> {
              Map<String, Object> wallet = attempts.wallet(accountId);
              MailPayload.DailyCapReached payload =
                  new MailPayload.DailyCapReached(
                      settings.dailyCap(),
                      (java.math.BigDecimal) wallet.get("amount"),
                      (String) wallet.get("currency"),
                      (java.math.BigDecimal) wallet.get("balance"));
              if (mail.enqueue(accountId, window, payload)) {
                log.warn(
                    "auto top-up daily cap reached account={} cap={}",
                    accountId,
                    settings.dailyCap());
              }
            });
    return null;
  }
}
