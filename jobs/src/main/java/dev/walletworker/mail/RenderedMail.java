package dev.walletworker.mail;

/** An email's words: the subject and the two bodies of its multipart/alternative. */
public record RenderedMail(String subject, String text, String html) {}
