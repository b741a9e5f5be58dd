package dev.walletworker.worker.scheduling;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Names this process in job history and logs: host and pid. */
final class RunnerId {

  private RunnerId() {}

  static String of() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
  }
}
