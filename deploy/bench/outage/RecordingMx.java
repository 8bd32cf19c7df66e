// RecordingMx: a receiving MX for the outage replay (issue 7) that counts what it receives.
//
//   java RecordingMx.java [--bind 127.0.0.1] [--port 0] [--http-port 0] [--csv FILE] [--stats-file FILE]
//                         [--threads 256] [--tempfail-rate 0.0] [--port-file FILE]
//
// SMTP (RFC 5321): EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; PIPELINING, 8BITMIME, SIZE,
// ENHANCEDSTATUSCODES advertised; no TLS. Every accepted message is recorded once per recipient:
// the receive time, the Message-ID, the recipient domain and its group (the last two labels of the
// domain without a "-digits" suffix: "hosted.test" for hosted-042.test and r8f3k2.hosted-042.test), and the X-Submitted-At header (epoch millis) if present.
// A delivery counts as a duplicate when the same (Message-ID, recipient) pair was received before.
//
// HTTP (com.sun.net.httpserver, loopback only):
//   GET  /stats[?since=EPOCH_MS]   JSON counters; with since: only receives at or after that time, with
//                                  end-to-end latency p50/p90/p99/max per group and in total
//   GET  /ids                      one line per unique delivery: message-id<TAB>recipient
//   POST /reset                    forget everything (the CSV keeps growing)
// CSV (--csv): received_ms,message_id,recipient,group,submitted_ms,latency_ms,duplicate,size_bytes
//
// With --port 0 / --http-port 0 the OS picks free ports; both are printed on stdout as
// "SMTP_PORT=n" and "HTTP_PORT=n" (and written to --port-file if given).
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class RecordingMx {

    /** One accepted delivery (one recipient of one message). */
    record Delivery(long receivedMs, String messageId, String recipient, String group, long submittedMs,
                    boolean duplicate, int size) {
        long latencyMs() { return submittedMs > 0 ? receivedMs - submittedMs : -1; }
    }

    static final int MAX_MESSAGE = 30 * 1024 * 1024;
    static final int MAX_LINE = 4096;

    final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Boolean> seen = new ConcurrentHashMap<>();
    final AtomicLong connections = new AtomicLong();
    final AtomicLong activeConnections = new AtomicLong();
    final AtomicLong transactions = new AtomicLong();
    final AtomicLong tempfailed = new AtomicLong();
    final AtomicLong protocolErrors = new AtomicLong();
    final AtomicLong missingMessageId = new AtomicLong();
    final AtomicLong queueIds = new AtomicLong();
    final double tempfailRate;
    final BufferedWriter csv;

    RecordingMx(double tempfailRate, BufferedWriter csv) {
        this.tempfailRate = tempfailRate;
        this.csv = csv;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: java RecordingMx.java [--bind 127.0.0.1] [--port 0] [--http-port 0] "
                        + "[--csv FILE] [--stats-file FILE] [--threads 256] [--tempfail-rate 0.0] [--port-file FILE]");
                System.exit(2);
            }
            opt.put(a.substring(2), args[++i]);
        }
        InetAddress bind = InetAddress.getByName(opt.getOrDefault("bind", "127.0.0.1"));
        int port = Integer.parseInt(opt.getOrDefault("port", "0"));
        int httpPort = Integer.parseInt(opt.getOrDefault("http-port", "0"));
        int threads = Integer.parseInt(opt.getOrDefault("threads", "256"));
        double tempfail = Double.parseDouble(opt.getOrDefault("tempfail-rate", "0"));
        BufferedWriter csv = null;
        if (opt.containsKey("csv")) {
            Path p = Path.of(opt.get("csv"));
            boolean fresh = !Files.exists(p) || Files.size(p) == 0;
            csv = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh) {
                csv.write("received_ms,message_id,recipient,group,submitted_ms,latency_ms,duplicate,size_bytes\n");
                csv.flush();
            }
        }
        RecordingMx mx = new RecordingMx(tempfail, csv);

        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, port), 1024);
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, httpPort), 64);
        http.createContext("/stats", mx::handleStats);
        http.createContext("/ids", mx::handleIds);
        http.createContext("/reset", mx::handleReset);
        http.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        http.start();

        String ports = "SMTP_PORT=" + server.getLocalPort() + "\nHTTP_PORT=" + http.getAddress().getPort() + "\n";
        System.out.print(ports);
        System.out.flush();
        if (opt.containsKey("port-file")) Files.writeString(Path.of(opt.get("port-file")), ports);

        if (opt.containsKey("stats-file")) {
            Path statsFile = Path.of(opt.get("stats-file"));
            Thread t = new Thread(() -> {
                while (true) {
                    try {
                        Path tmp = statsFile.resolveSibling(statsFile.getFileName() + ".tmp");
                        Files.writeString(tmp, mx.statsJson(0));
                        Files.move(tmp, statsFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        mx.flushCsv();
                        Thread.sleep(1000); // a periodic writer, not synchronisation
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        System.err.println("stats-file: " + e);
                    }
                }
            }, "stats-writer");
            t.setDaemon(true);
            t.start();
        } else if (csv != null) {
            Thread t = new Thread(() -> {
                while (true) {
                    try { Thread.sleep(1000); } catch (InterruptedException e) { return; }
                    mx.flushCsv();
                }
            }, "csv-flusher");
            t.setDaemon(true);
            t.start();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(mx::flushCsv));

        ExecutorService pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
        while (true) {
            Socket s = server.accept();
            mx.connections.incrementAndGet();
            pool.execute(() -> mx.session(s));
        }
    }

    // ------------------------------------------------------------------------------------------ SMTP

    void session(Socket socket) {
        activeConnections.incrementAndGet();
        try (socket) {
            socket.setSoTimeout(300_000);
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            OutputStream out = socket.getOutputStream();
            reply(out, "220 recording-mx.test ESMTP RecordingMx");
            String mailFrom = null;
            List<String> rcpts = new ArrayList<>();
            while (true) {
                String line = readLine(in);
                if (line == null) return;
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO")) {
                    mailFrom = null;
                    rcpts.clear();
                    reply(out, "250-recording-mx.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE " + MAX_MESSAGE
                            + "\r\n250 ENHANCEDSTATUSCODES");
                } else if (upper.startsWith("HELO")) {
                    mailFrom = null;
                    rcpts.clear();
                    reply(out, "250 recording-mx.test");
                } else if (upper.startsWith("MAIL FROM:")) {
                    if (mailFrom != null) {
                        reply(out, "503 5.5.1 Nested MAIL command");
                        continue;
                    }
                    mailFrom = path(line.substring(10));
                    rcpts.clear();
                    reply(out, "250 2.1.0 Ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    if (mailFrom == null) {
                        reply(out, "503 5.5.1 Need MAIL before RCPT");
                        continue;
                    }
                    String r = path(line.substring(8));
                    if (r.indexOf('@') < 1) {
                        reply(out, "501 5.1.3 Bad recipient address syntax");
                        continue;
                    }
                    rcpts.add(r.toLowerCase(Locale.ROOT));
                    reply(out, "250 2.1.5 Ok");
                } else if (upper.equals("DATA")) {
                    if (mailFrom == null || rcpts.isEmpty()) {
                        reply(out, "503 5.5.1 Need RCPT before DATA");
                        continue;
                    }
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    byte[] msg = readData(in);
                    if (msg == null) return;
                    transactions.incrementAndGet();
                    if (msg.length > MAX_MESSAGE) {
                        reply(out, "552 5.3.4 Message too big");
                    } else if (tempfailRate > 0 && ThreadLocalRandom.current().nextDouble() < tempfailRate) {
                        tempfailed.incrementAndGet();
                        reply(out, "451 4.3.0 Injected temporary failure, try again later");
                    } else {
                        record(msg, rcpts);
                        reply(out, "250 2.0.0 Ok: queued as RMX" + queueIds.incrementAndGet());
                    }
                    mailFrom = null;
                    rcpts.clear();
                } else if (upper.equals("RSET")) {
                    mailFrom = null;
                    rcpts.clear();
                    reply(out, "250 2.0.0 Ok");
                } else if (upper.startsWith("NOOP")) {
                    reply(out, "250 2.0.0 Ok");
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    return;
                } else if (upper.startsWith("STARTTLS") || upper.startsWith("AUTH") || upper.startsWith("BDAT")) {
                    reply(out, "502 5.5.1 Command not implemented");
                } else {
                    protocolErrors.incrementAndGet();
                    reply(out, "500 5.5.2 Command unrecognized");
                }
            }
        } catch (SocketTimeoutException e) {
            // idle client: close
        } catch (IOException e) {
            protocolErrors.incrementAndGet();
        } finally {
            activeConnections.decrementAndGet();
        }
    }

    static String path(String arg) {
        String a = arg.trim();
        int sp = a.indexOf(' ');          // drop ESMTP parameters (SIZE=, BODY=)
        if (a.startsWith("<")) {
            int end = a.indexOf('>');
            return end > 0 ? a.substring(1, end) : a.substring(1);
        }
        return sp > 0 ? a.substring(0, sp) : a;
    }

    static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** A command line without CRLF, or null at end of stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] a = b.toByteArray();
                int len = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
                return new String(a, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (b.size() < MAX_LINE) b.write(c);
        }
        return null;
    }

    /** The DATA section up to CRLF.CRLF, dot-unstuffed, or null at end of stream. */
    static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream msg = new ByteArrayOutputStream(4096);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int c;
        while ((c = in.read()) != -1) {
            line.write(c);
            if (c == '\n') {
                byte[] l = line.toByteArray();
                line.reset();
                if ((l.length == 3 && l[0] == '.' && l[1] == '\r') || (l.length == 2 && l[0] == '.')) {
                    return msg.toByteArray();
                }
                if (msg.size() <= MAX_MESSAGE) {
                    int off = l[0] == '.' ? 1 : 0;
                    msg.write(l, off, l.length - off);
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ recording

    void record(byte[] msg, List<String> rcpts) {
        long now = System.currentTimeMillis();
        String messageId = null;
        long submitted = -1;
        // header section: up to the first empty line; unfold is not needed for these two headers
        String text = new String(msg, 0, Math.min(msg.length, 65536), StandardCharsets.ISO_8859_1);
        for (String h : text.split("\r?\n")) {
            if (h.isEmpty()) break;
            int colon = h.indexOf(':');
            if (colon <= 0) continue;
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (messageId == null && name.equalsIgnoreCase("Message-ID")) messageId = value;
            else if (submitted < 0 && name.equalsIgnoreCase("X-Submitted-At")) {
                try { submitted = Long.parseLong(value); } catch (NumberFormatException ignored) { }
            }
        }
        if (messageId == null) {
            missingMessageId.incrementAndGet();
            messageId = "<missing-" + queueIds.get() + "@recording-mx>";
        }
        for (String r : rcpts) {
            boolean dup = seen.putIfAbsent(messageId + "\t" + r, Boolean.TRUE) != null;
            String domain = r.substring(r.indexOf('@') + 1);
            String group = groupOf(domain);
            Delivery d = new Delivery(now, messageId, r, group, submitted, dup, msg.length);
            deliveries.add(d);
            if (csv != null) {
                synchronized (csv) {
                    try {
                        csv.write(d.receivedMs() + "," + csvField(d.messageId()) + "," + csvField(r) + "," + group + ","
                                + d.submittedMs() + "," + d.latencyMs() + "," + (dup ? 1 : 0) + "," + d.size() + "\n");
                    } catch (IOException e) {
                        System.err.println("csv: " + e);
                    }
                }
            }
        }
    }

    /**
     * The last two labels of the domain, with a trailing "-digits" removed from the first of them:
     * healthy-042.test and r8f3k2.hosted-007.test give healthy.test and hosted.test.
     */
    static String groupOf(String domain) {
        int last = domain.lastIndexOf('.');
        int dot = last > 0 ? domain.lastIndexOf('.', last - 1) : -1;
        String two = dot >= 0 ? domain.substring(dot + 1) : domain;
        return two.replaceFirst("-[0-9]+\\.", ".");
    }

    static String csvField(String s) {
        return s.indexOf(',') >= 0 || s.indexOf('"') >= 0 ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    void flushCsv() {
        if (csv == null) return;
        synchronized (csv) {
            try { csv.flush(); } catch (IOException e) { System.err.println("csv: " + e); }
        }
    }

    // ------------------------------------------------------------------------------------------ stats

    static final class Group {
        long deliveries, unique, duplicates;
        long first = Long.MAX_VALUE, last;
        final List<Long> latencies = new ArrayList<>();

        void add(Delivery d) {
            deliveries++;
            if (d.duplicate()) duplicates++; else unique++;
            first = Math.min(first, d.receivedMs());
            last = Math.max(last, d.receivedMs());
            if (d.latencyMs() >= 0) latencies.add(d.latencyMs());
        }

        String json() {
            Collections.sort(latencies);
            return String.format(Locale.ROOT,
                    "{\"deliveries\":%d,\"unique\":%d,\"duplicates\":%d,\"firstMs\":%d,\"lastMs\":%d,"
                            + "\"latencyMs\":{\"count\":%d,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"max\":%d}}",
                    deliveries, unique, duplicates, deliveries == 0 ? 0 : first, last, latencies.size(),
                    pct(0.50), pct(0.90), pct(0.99), latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1));
        }

        long pct(double q) {
            if (latencies.isEmpty()) return -1;
            int i = (int) Math.ceil(q * latencies.size()) - 1;
            return latencies.get(Math.max(0, Math.min(i, latencies.size() - 1)));
        }
    }

    String statsJson(long since) {
        Group total = new Group();
        Map<String, Group> groups = new TreeMap<>();
        List<Delivery> snapshot;
        synchronized (deliveries) {
            snapshot = new ArrayList<>(deliveries);
        }
        for (Delivery d : snapshot) {
            if (d.receivedMs() < since) continue;
            total.add(d);
            groups.computeIfAbsent(d.group(), g -> new Group()).add(d);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "{\"nowMs\":%d,\"sinceMs\":%d,\"connections\":%d,\"activeConnections\":%d,\"transactions\":%d,"
                        + "\"tempfailed\":%d,\"protocolErrors\":%d,\"missingMessageId\":%d,\"total\":%s,\"groups\":{",
                System.currentTimeMillis(), since, connections.get(), activeConnections.get(), transactions.get(),
                tempfailed.get(), protocolErrors.get(), missingMessageId.get(), total.json()));
        boolean first = true;
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append('"').append(e.getKey().replace("\"", "")).append("\":").append(e.getValue().json());
        }
        return sb.append("}}\n").toString();
    }

    void handleStats(HttpExchange ex) throws IOException {
        long since = 0;
        String q = ex.getRequestURI().getQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                if (kv.startsWith("since=")) {
                    try { since = Long.parseLong(kv.substring(6)); } catch (NumberFormatException e) {
                        send(ex, 400, "application/problem+json",
                                "{\"title\":\"since must be epoch milliseconds\",\"status\":400}\n");
                        return;
                    }
                }
            }
        }
        send(ex, 200, "application/json", statsJson(since));
    }

    void handleIds(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        try (PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(ex.getResponseBody(), StandardCharsets.UTF_8))) {
            for (String k : seen.keySet()) w.println(k);
        }
    }

    void handleReset(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            send(ex, 405, "application/problem+json", "{\"title\":\"use POST\",\"status\":405}\n");
            return;
        }
        synchronized (deliveries) {
            deliveries.clear();
            seen.clear();
        }
        transactions.set(0);
        tempfailed.set(0);
        protocolErrors.set(0);
        missingMessageId.set(0);
        send(ex, 200, "application/json", "{\"reset\":true}\n");
    }

    static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }
}
