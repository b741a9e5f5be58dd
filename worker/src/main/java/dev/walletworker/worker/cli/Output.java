package dev.walletworker.worker.cli;

/** A command's answer: the JSON document for {@code --json}, and the text for people. */
record Output(Object json, String text) {}
