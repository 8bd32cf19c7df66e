package org.securemail.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A receiving MX for resilience tests: accepts every message for every recipient (EHLO with PIPELINING, MAIL,
 * RCPT, DATA; no TLS, no AUTH) and records each (Message-ID, recipient) with the time it was received, so that loss
 * and duplication are measured, not assumed. Message bodies are not kept. Plain Java, one thread per connection;
 * every accessor is thread-safe.
 *
 * <p>A message without a Message-ID header is recorded under {@code "<none>"}.
 */
public final class RecordingMx implements AutoCloseable {

    /** What one delivery is identified by. */
    public record Key(String messageId, String recipient) {
        public Key {
            recipient = recipient.toLowerCase(Locale.ROOT);
        }
    }

    /** One recipient of one received message, with the receive time (epoch millis, at the end of DATA). */
    public record Receipt(String messageId, String recipient, long receivedAtMillis, int connection) {
        public Key key() {
            return new Key(messageId, recipient);
        }
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-mx");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Map<Key, Long> firstReceived = new ConcurrentHashMap<>();
    private final List<Receipt> receipts = new CopyOnWriteArrayList<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();

    private RecordingMx(ServerSocket server) {
        this.server = server;
        threads.execute(this::acceptLoop);
    }

    /** Starts on a free port of 127.0.0.1. */
    public static RecordingMx start() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
            return new RecordingMx(socket);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the recording MX", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Recipient receipts, duplicates included. */
    public int receipts() {
        return receipts.size();
    }

    /** Distinct (Message-ID, recipient) pairs received. */
    public int unique() {
        return firstReceived.size();
    }

    /** Receipts of a (Message-ID, recipient) pair that had been received before. */
    public int duplicates() {
        return duplicates.get();
    }

    /** Messages (DATA transactions) accepted. */
    public int messages() {
        return messages.get();
    }

    public int connections() {
        return connections.get();
    }

    public boolean received(Key key) {
        return firstReceived.containsKey(key);
    }

    /** The epoch millis of the first receipt of {@code key}, or -1 when it has not arrived. */
    public long firstReceivedAt(Key key) {
        return firstReceived.getOrDefault(key, -1L);
    }

    /** Those of {@code expected} that have not been received (yet). */
    public List<Key> missing(Collection<Key> expected) {
        List<Key> missing = new ArrayList<>();
        for (Key key : expected) {
            if (!firstReceived.containsKey(key)) {
                missing.add(key);
            }
        }
        return missing;
    }

    /** The pairs received more than once, with their receipt counts. */
    public Map<Key, Integer> duplicated() {
        Map<Key, Integer> counts = new ConcurrentHashMap<>();
        for (Receipt receipt : receipts) {
            counts.merge(receipt.key(), 1, Integer::sum);
        }
        counts.values().removeIf(count -> count < 2);
        return counts;
    }

    /** A snapshot of every receipt, in arrival order. */
    public List<Receipt> all() {
        return List.copyOf(receipts);
    }

    /** The distinct pairs received so far. */
    public Set<Key> keys() {
        return Set.copyOf(firstReceived.keySet());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                open.add(socket);
                int id = connections.incrementAndGet();
                threads.execute(() -> session(socket, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket socket, int connection) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            boolean mail = false;
            List<String> recipients = new ArrayList<>();
            write(out, "220 recording-mx.test ESMTP");
            String line;
            while ((line = readLine(in)) != null) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO")) {
                    write(out, "250-recording-mx.test\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n"
                            + "250 ENHANCEDSTATUSCODES");
                } else if (upper.startsWith("HELO")) {
                    write(out, "250 recording-mx.test");
                } else if (upper.startsWith("MAIL FROM:")) {
                    mail = true;
                    recipients.clear();
                    write(out, "250 2.1.0 Ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    if (!mail) {
                        write(out, "503 5.5.1 Error: need MAIL command");
                        continue;
                    }
                    recipients.add(path(line.substring(8)));
                    write(out, "250 2.1.5 Ok");
                } else if (upper.equals("DATA")) {
                    if (recipients.isEmpty()) {
                        write(out, "554 5.5.1 Error: no valid recipients");
                        continue;
                    }
                    write(out, "354 End data with <CR><LF>.<CR><LF>");
                    String messageId = readData(in);
                    if (messageId == null) {
                        return;
                    }
                    long now = System.currentTimeMillis();
                    messages.incrementAndGet();
                    for (String recipient : recipients) {
                        Receipt receipt = new Receipt(messageId, recipient.toLowerCase(Locale.ROOT), now, connection);
                        receipts.add(receipt);
                        if (firstReceived.putIfAbsent(receipt.key(), now) != null) {
                            duplicates.incrementAndGet();
                        }
                    }
                    write(out, "250 2.0.0 Ok: queued");
                    mail = false;
                    recipients.clear();
                } else if (upper.startsWith("RSET")) {
                    mail = false;
                    recipients.clear();
                    write(out, "250 2.0.0 Ok");
                } else if (upper.startsWith("NOOP")) {
                    write(out, "250 2.0.0 Ok");
                } else if (upper.startsWith("QUIT")) {
                    write(out, "221 2.0.0 Bye");
                    return;
                } else {
                    write(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            open.remove(socket);
        }
    }

    /** Reads DATA up to the final dot: the first Message-ID of the header (unfolded), "<none>", or null at EOF. */
    private static String readData(InputStream in) throws IOException {
        boolean inHeader = true;
        boolean inMessageId = false;
        StringBuilder messageId = null;
        String line;
        while ((line = readLine(in)) != null) {
            if (line.equals(".")) {
                String id = messageId == null ? "" : messageId.toString().trim();
                return id.isEmpty() ? "<none>" : id;
            }
            if (!inHeader) {
                continue;
            }
            boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (line.isEmpty()) {
                inHeader = false;
            } else if (inMessageId && continuation) {
                messageId.append(line.trim());
                continue;
            } else if (messageId == null && line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                messageId = new StringBuilder(line.substring(11).trim());
                inMessageId = true;
                continue;
            }
            inMessageId = false;
        }
        return null;
    }

    private static String path(String argument) {
        String s = argument.trim();
        int end = s.indexOf('>');
        if (s.startsWith("<") && end > 0) {
            return s.substring(1, end);
        }
        int space = s.indexOf(' ');
        return space > 0 ? s.substring(0, space) : s;
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Closes the listener and every open connection. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
