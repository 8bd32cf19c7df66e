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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scriptable SMTP server for tests: answers 250, 4xx or 5xx per recipient, drops the connection, stalls,
 * offers or withholds EHLO, PIPELINING and STARTTLS, and records what it received. One thread per connection.
 */
public final class SmtpSink implements AutoCloseable {

    /** One accepted message as the sink saw it (data dot-unstuffed, CRLF line ends). */
    public record Received(String sender, List<String> recipients, String data, boolean tls, int connection) {
    }

    public volatile boolean ehlo = true;
    public volatile boolean pipelining = true;
    public volatile boolean starttls;
    /** Answer STARTTLS with 220, then send garbage instead of a TLS handshake. */
    public volatile boolean brokenTls;
    public volatile boolean stall;
    public volatile boolean dropAfterRcpt;
    public volatile long sizeLimit = 10_000_000;
    public volatile String dataReply = "250 2.0.0 Ok: queued";
    public volatile Function<String, String> rcptReply = r -> "250 2.1.5 Ok";

    /** {@code false}: {@link #received} and {@link #commands} stay empty (long runs; use {@link #onMessage}). */
    public volatile boolean keepTranscript = true;
    /** Told of every accepted message, on the connection's thread, before the DATA reply is sent. */
    public volatile java.util.function.Consumer<Received> onMessage = message -> { };
    public final List<Received> received = new CopyOnWriteArrayList<>();
    public final List<String> commands = new CopyOnWriteArrayList<>();
    public final AtomicInteger connections = new AtomicInteger();
    /** Commands that arrived while the previous reply was still pending although PIPELINING was not offered. */
    public final AtomicInteger unexpectedPipelining = new AtomicInteger();

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "smtp-sink");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private static volatile SSLContext tlsContext;

    private SmtpSink(ServerSocket server) {
        this.server = server;
        threads.submit(this::acceptLoop);
    }

    public static SmtpSink start() {
        return start("127.0.0.1", 0);
    }

    public static SmtpSink start(String address, int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 200);
            return new SmtpSink(socket);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the SMTP sink on " + address + ":" + port, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Recipients received, over all messages (duplicates kept). */
    public List<String> recipients() {
        List<String> all = new ArrayList<>();
        received.forEach(r -> all.addAll(r.recipients()));
        return all;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                open.add(socket);
                int id = connections.incrementAndGet();
                threads.submit(() -> session(socket, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket socket, int id) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            if (stall) {
                while (in.read() >= 0) {
                    // never greet; wait for the client to give up
                }
                return;
            }
            boolean tls = false;
            boolean offeredPipelining = false;
            Envelope envelope = new Envelope();
            write(out, "220 sink.test ESMTP test sink");
            String line;
            while ((line = readLine(in)) != null) {
                if (keepTranscript) {
                    commands.add(line);
                }
                String upper = line.toUpperCase(Locale.ROOT);
                if (!offeredPipelining && in.available() > 0 && !upper.startsWith("QUIT")) {
                    unexpectedPipelining.incrementAndGet();
                }
                if (upper.startsWith("EHLO")) {
                    if (!ehlo) {
                        write(out, "502 5.5.2 Error: command not recognized");
                        continue;
                    }
                    offeredPipelining = pipelining;
                    StringBuilder reply = new StringBuilder("250-sink.test\r\n250-SIZE " + sizeLimit + "\r\n250-8BITMIME\r\n");
                    if (pipelining) {
                        reply.append("250-PIPELINING\r\n");
                    }
                    if (starttls && !tls) {
                        reply.append("250-STARTTLS\r\n");
                    }
                    reply.append("250 ENHANCEDSTATUSCODES");
                    write(out, reply.toString());
                } else if (upper.startsWith("HELO")) {
                    write(out, "250 sink.test");
                } else if (upper.startsWith("STARTTLS") && starttls && !tls) {
                    write(out, "220 2.0.0 Ready to start TLS");
                    if (brokenTls) {
                        out.write("this is not a TLS server hello\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        return;
                    }
                    SSLSocket ssl = (SSLSocket) tlsContext().getSocketFactory()
                            .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    in = new BufferedInputStream(ssl.getInputStream());
                    out = ssl.getOutputStream();
                    tls = true;
                    envelope.reset();
                } else if (upper.startsWith("MAIL FROM:")) {
                    envelope.reset();
                    envelope.sender = path(line.substring(10));
                    write(out, "250 2.1.0 Ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    String rcpt = path(line.substring(8));
                    String reply = envelope.sender == null
                            ? "503 5.5.1 Error: need MAIL command" : rcptReply.apply(rcpt);
                    if (dropAfterRcpt) {
                        return;
                    }
                    if (reply.startsWith("2")) {
                        envelope.recipients.add(rcpt);
                    }
                    write(out, reply);
                } else if (upper.equals("DATA")) {
                    if (envelope.recipients.isEmpty()) {
                        write(out, "554 5.5.1 Error: no valid recipients");
                        continue;
                    }
                    write(out, "354 End data with <CR><LF>.<CR><LF>");
                    StringBuilder data = new StringBuilder();
                    String dataLine;
                    while ((dataLine = readLine(in)) != null && !dataLine.equals(".")) {
                        data.append(dataLine.startsWith(".") ? dataLine.substring(1) : dataLine).append("\r\n");
                    }
                    if (dataLine == null) {
                        return;
                    }
                    String reply = dataReply;
                    if (reply.startsWith("2")) {
                        Received message = new Received(envelope.sender, List.copyOf(envelope.recipients),
                                data.toString(), tls, id);
                        if (keepTranscript) {
                            received.add(message);
                        }
                        onMessage.accept(message);
                    }
                    write(out, reply);
                    envelope.reset();
                } else if (upper.startsWith("RSET")) {
                    envelope.reset();
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
            // client went away
        } finally {
            open.remove(socket);
        }
    }

    /** The mail transaction of a session: its reverse path and the recipients accepted so far. */
    private static final class Envelope {
        String sender;
        final List<String> recipients = new ArrayList<>();

        void reset() {
            sender = null;
            recipients.clear();
        }
    }

    private static String path(String arg) {
        String s = arg.trim();
        int end = s.indexOf('>');
        if (s.startsWith("<") && end > 0) {
            return s.substring(1, end);
        }
        int space = s.indexOf(' ');
        return space > 0 ? s.substring(0, space) : s;
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** A self-signed certificate for {@code localhost}/127.0.0.1 made with keytool, shared by all sinks. */
    public static Path certificatePem() {
        tlsContext();
        return Path.of("target", "sink-tls", "sink.pem").toAbsolutePath();
    }

    private static synchronized SSLContext tlsContext() {
        if (tlsContext != null) {
            return tlsContext;
        }
        try {
            Path dir = Path.of("target", "sink-tls").toAbsolutePath();
            Files.createDirectories(dir);
            Path store = dir.resolve("sink.p12");
            Path pem = dir.resolve("sink.pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            if (!Files.exists(store)) {
                run(keytool, "-genkeypair", "-alias", "sink", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                        "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "3", "-keystore",
                        store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
                run(keytool, "-exportcert", "-rfc", "-alias", "sink", "-keystore", store.toString(), "-storepass",
                        "changeit", "-file", pem.toString());
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, "changeit".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            tlsContext = context;
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the sink's TLS certificate", e);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    /** Closes every open connection but keeps listening (a server that dropped its idle sessions). */
    public void closeOpenConnections() {
        open.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        });
    }

    /** Closes the listener and every open connection (a "dead" host from now on). */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        });
        threads.shutdownNow();
    }
}
