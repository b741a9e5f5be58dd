package dev.walletworker.account;

import java.math.BigDecimal;

/**
 * A partial update of a wallet's settings: each field left {@code null} keeps its current value.
 * The merged result is validated as a whole, so "enable auto top-up" and "set its amount" can come
 * in one change.
 */
public final class SettingsChange {

  Boolean autoTopUpEnabled;
  BigDecimal autoTopUpThreshold;
  BigDecimal autoTopUpAmount;
  String stripeCustomerId;
  String paymentMethodId;
  Boolean alertEnabled;
  BigDecimal alertThreshold;
  Boolean limitEnabled;
  BigDecimal monthlyLimit;
  SpendingLimitAction limitAction;

  public SettingsChange autoTopUpEnabled(Boolean value) {
    autoTopUpEnabled = value;
    return this;
  }

  public SettingsChange autoTopUpThreshold(BigDecimal value) {
    autoTopUpThreshold = value;
    return this;
  }

  public SettingsChange autoTopUpAmount(BigDecimal value) {
    autoTopUpAmount = value;
    return this;
  }

  public SettingsChange stripeCustomerId(String value) {
    stripeCustomerId = value;
    return this;
  }

  public SettingsChange paymentMethodId(String value) {
    paymentMethodId = value;
    return this;
  }

  public SettingsChange alertEnabled(Boolean value) {
    alertEnabled = value;
    return this;
  }

  public SettingsChange alertThreshold(BigDecimal value) {
    alertThreshold = value;
    return this;
  }

  public SettingsChange limitEnabled(Boolean value) {
    limitEnabled = value;
    return this;
  }

  public SettingsChange monthlyLimit(BigDecimal value) {
    monthlyLimit = value;
    return this;
  }

  public SettingsChange limitAction(SpendingLimitAction value) {
    limitAction = value;
    return this;
  }

  public boolean isEmpty() {
    return autoTopUpEnabled == null
        && autoTopUpThreshold == null
        && autoTopUpAmount == null
        && stripeCustomerId == null
        && paymentMethodId == null
        && alertEnabled == null
        && alertThreshold == null
        && limitEnabled == null
        && monthlyLimit == null
        && limitAction == null;
  }
}
