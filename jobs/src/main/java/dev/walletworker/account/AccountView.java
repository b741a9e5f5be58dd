package dev.walletworker.account;

/** An account with its wallet, as ops and the owner see it. */
public record AccountView(Account account, Wallet wallet) {}
