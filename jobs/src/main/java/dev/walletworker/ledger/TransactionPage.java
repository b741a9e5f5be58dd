package dev.walletworker.ledger;

import java.util.List;

/** A page of a wallet's history, newest first. */
public record TransactionPage(List<WalletTransaction> transactions, boolean hasMore) {}
