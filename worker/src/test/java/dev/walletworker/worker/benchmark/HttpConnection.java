package dev.walletworker.worker.benchmark;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection for the benchmarks' load generators: a request is written in
 * one call and its answer read straight off the socket (status, {@code Content-Length} or chunked
 * body). {@code java.net.http.HttpClient} cost the generator almost as much CPU per request as the
 * daemon spent serving it (a selector thread and a chain of futures per exchange), on cores it
 * shares with the daemon and PostgreSQL; this costs a write and a read, as pgbench's client does.
 */
final class HttpConnection implements AutoCloseable {

  record Response(int status, String body) {}

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String head;
  private boolean closed;

  HttpConnection(URI base, String bearer) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000);
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    head =
        "Host: "
            + base.getHost()
            + ":"
            + base.getPort()
            + "\r\nAuthorization: Bearer "
            + bearer
            + "\r\nContent-Type: application/json\r\nContent-Length: ";
  }

  /** Posts a JSON body and reads the whole answer. */
  Response post(String path, CharSequence json) throws IOException {
    byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
    byte[] request =
        ("POST " + path + " HTTP/1.1\r\n" + head + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[request.length + body.length];
    System.arraycopy(request, 0, all, 0, request.length);
    System.arraycopy(body, 0, all, request.length, body.length);
    out.write(all);
    out.flush();
    return read();
  }

  private Response read() throws IOException {
    String statusLine = line();
    if (!statusLine.startsWith("HTTP/1.1 ")) {
      throw new IOException("not an HTTP/1.1 answer: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(header.substring(15).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (int size = Integer.parseInt(line().strip(), 16);
          size > 0;
          size = Integer.parseInt(line().strip(), 16)) {
        body.write(in.readNBytes(size));
        line();
      }
      line();
    } else if (length >= 0) {
      body.write(in.readNBytes((int) length));
    } else {
      throw new IOException("an answer without a length");
    }
    closed = close;
    return new Response(status, body.toString(StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** Whether the server said it closes the connection after the last answer. */
  boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a broken connection: nothing to do
    }
  }
}
