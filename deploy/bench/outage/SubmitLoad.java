// SubmitLoad: a steady-rate authenticated SMTP submission load generator for the outage replay (issue 7).
//
//   java SubmitLoad.java --port 2587 --user U --password P --from sender@example.test
//        --group healthy,3,healthy-domains.txt --group hosted,1,hosted-domains.txt,fresh
//        [--host 127.0.0.1] [--rate 20] [--connections 4] [--duration 60] [--count 0] [--size 1024]
//        [--tls starttls|none] [--auth plain|none] [--log FILE] [--reply-timeout 60] [--quiet] [--round-robin]
//        [--hard-stop] [--to rcpt@our.domain]
//
// Each message has one recipient, user<N>@<domain>, with the domain drawn from the groups by weight
// (a group is NAME,WEIGHT,FILE[,fresh]; FILE holds one domain a line; "fresh" puts a new random label in
// front of the domain, e.g. r8f3k2.d042.hosted.test, so every message needs a DNS answer nobody has cached).
// With --to ADDR the roles turn round (inbound mail to our MX): every message goes to ADDR, and the domain drawn
// from the groups is the SENDER's, user@<domain> in MAIL FROM and From: (so the receiving side's SPF and DMARC look
// that domain up); --from is then not used. Combine with --tls none --auth none for the MX listener.
// Every message carries a unique Message-ID and X-Submitted-At (epoch millis) for end-to-end latency.
//
// The rate is global and steady: message i is due at start + i/rate, whichever connection is free sends it
// (if all connections are busy the message goes out late; the summary reports how late). Connections are
// persistent (RSET-free: one transaction after the other) and re-opened after an error or a 421.
// Stops after --duration seconds or --count messages, whichever comes first (0 = no count limit). A message due
// before the end but late is still sent; with --hard-stop nothing is sent after --duration seconds of wall time
// (a burst "as fast as the connections can" for a fixed time: a high --rate and --hard-stop).
//
// Output: a summary (human lines, then "RESULT key=value" lines for scripts). --log FILE gets one CSV line
// per message: submitted_ms,message_id,recipient,group,reply_code,reply_ms,reply_text (and sender, with --to)
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

public class SubmitLoad {

    record Group(String name, double weight, List<String> domains, boolean fresh) { }

    record Reply(int code, String text) {
        boolean positive() { return code >= 200 && code < 400; }
        String firstLine() { int nl = text.indexOf('\n'); return nl < 0 ? text : text.substring(0, nl); }
    }

    static final class SmtpException extends IOException {
        final Reply reply;
        SmtpException(String step, Reply reply) {
            super(step + ": " + reply.code() + " " + reply.firstLine());
            this.reply = reply;
        }
    }

    // configuration
    String host = "127.0.0.1";
    int port = 2587;
    String user, password, from = "load@example.test";
    String to;   // set: inbound mode, the groups choose the sender's domain
    List<Group> groups = new ArrayList<>();
    double rate = 20;
    int connections = 4;
    long durationMs = 60_000;
    long count = 0;
    int size = 1024;
    boolean startTls = true, auth = true, quiet = false, roundRobin = false, hardStop = false;
    int replyTimeoutMs = 60_000;
    BufferedWriter log;

    // state
    final AtomicLong next = new AtomicLong();
    long startNanos;
    volatile boolean stopping;
    final LongAdder sent = new LongAdder(), ok2xx = new LongAdder(), temp4xx = new LongAdder(), perm5xx = new LongAdder(),
            ioErrors = new LongAdder(), connects = new LongAdder();
    final Map<String, LongAdder> tempTexts = new ConcurrentHashMap<>(), permTexts = new ConcurrentHashMap<>(),
            errorTexts = new ConcurrentHashMap<>(), perGroupOk = new ConcurrentHashMap<>(), perGroupSent = new ConcurrentHashMap<>();
    final List<Long> replyMillis = Collections.synchronizedList(new ArrayList<>());
    final List<Long> lateMillis = Collections.synchronizedList(new ArrayList<>());

    public static void main(String[] args) throws Exception {
        SubmitLoad l = new SubmitLoad();
        l.parse(args);
        l.run();
    }

    void parse(String[] args) throws IOException {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quiet")) { quiet = true; continue; }
            if (a.equals("--round-robin")) { roundRobin = true; continue; }
            if (a.equals("--hard-stop")) { hardStop = true; continue; }
            if (!a.startsWith("--") || i + 1 >= args.length) usage("bad argument " + a);
            String v = args[++i];
            switch (a) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--user" -> user = v;
                case "--password" -> password = v;
                case "--from" -> from = v;
                case "--to" -> to = v;
                case "--rate" -> rate = Double.parseDouble(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--duration" -> durationMs = (long) (Double.parseDouble(v) * 1000);
                case "--count" -> count = Long.parseLong(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--tls" -> startTls = switch (v) { case "starttls" -> true; case "none" -> false; default -> { usage("--tls starttls|none"); yield false; } };
                case "--auth" -> auth = switch (v) { case "plain" -> true; case "none" -> false; default -> { usage("--auth plain|none"); yield false; } };
                case "--reply-timeout" -> replyTimeoutMs = (int) (Double.parseDouble(v) * 1000);
                case "--log" -> log = Files.newBufferedWriter(Path.of(v), StandardCharsets.UTF_8);
                case "--group" -> {
                    String[] p = v.split(",");
                    if (p.length < 3) usage("--group NAME,WEIGHT,FILE[,fresh]");
                    List<String> ds = Files.readAllLines(Path.of(p[2])).stream().map(String::trim)
                            .filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
                    if (ds.isEmpty()) usage("no domains in " + p[2]);
                    groups.add(new Group(p[0], Double.parseDouble(p[1]), ds, p.length > 3 && p[3].equals("fresh")));
                }
                default -> usage("unknown option " + a);
            }
        }
        if (groups.isEmpty()) usage("at least one --group");
        if (auth && (user == null || password == null)) usage("--user and --password (or --auth none)");
        if (rate <= 0 || connections <= 0) usage("--rate and --connections must be positive");
        if (log != null) {   // inbound mode adds the sender as the last column
            log.write("submitted_ms,message_id,recipient,group,reply_code,reply_ms,reply_text" + (to != null ? ",sender" : "") + "\n");
        }
    }

    static void usage(String why) {
        System.err.println("SubmitLoad: " + why + "\nusage: java SubmitLoad.java --port P --user U --password P --from ADDR "
                + "--group NAME,WEIGHT,FILE[,fresh] ... [--host H] [--rate MSGS_PER_S] [--connections N] [--duration S] "
                + "[--count N] [--size BYTES] [--tls starttls|none] [--auth plain|none] [--log FILE] [--reply-timeout S] [--quiet] "
                + "[--round-robin] [--hard-stop] [--to ADDR (the groups choose the sender's domain)]");
        System.exit(2);
    }

    void run() throws Exception {
        startNanos = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(this::worker, "conn-" + c);
            t.start();
            workers.add(t);
        }
        Thread progress = new Thread(() -> {
            long last = 0;
            while (!stopping) {
                try { Thread.sleep(5000); } catch (InterruptedException e) { return; } // progress output only
                long s = sent.sum();
                if (!quiet) System.err.printf(Locale.ROOT, "[submit] %5.0fs sent %d (+%d) 2xx %d 4xx %d 5xx %d io-errors %d%n",
                        (System.nanoTime() - startNanos) / 1e9, s, s - last, ok2xx.sum(), temp4xx.sum(), perm5xx.sum(), ioErrors.sum());
                last = s;
            }
        }, "progress");
        progress.setDaemon(true);
        progress.start();
        for (Thread t : workers) t.join();
        stopping = true;
        if (log != null) synchronized (log) { log.close(); }
        summary((System.nanoTime() - startNanos) / 1e9);
    }

    /** The index of the next message to send, waiting for its due time; -1 when the run is over. */
    long take() throws InterruptedException {
        long i = next.getAndIncrement();
        if (count > 0 && i >= count) return -1;
        long dueNanos = startNanos + (long) (i * 1e9 / rate);
        if (dueNanos - startNanos >= durationMs * 1_000_000L) return -1;
        if (hardStop && System.nanoTime() - startNanos >= durationMs * 1_000_000L) return -1;
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait); // pacing the load, not synchronisation
        else lateMillis.add(-wait / 1_000_000);
        return i;
    }

    void worker() {
        Session s = null;
        try {
            long i;
            while ((i = take()) >= 0) {
                Group g = null;
                String domain = null;
                if (roundRobin) {   // every domain of every group in turn (warm-up)
                    long total = 0;
                    for (Group x : groups) total += x.domains().size();
                    long k = i % total;
                    for (Group x : groups) {
                        if (k < x.domains().size()) { g = x; domain = x.domains().get((int) k); break; }
                        k -= x.domains().size();
                    }
                } else {
                    g = pick();
                    domain = g.domains().get(ThreadLocalRandom.current().nextInt(g.domains().size()));
                }
                if (g.fresh()) domain = "r" + Long.toString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL, 36) + "." + domain;
                String rcpt = to != null ? to : "user" + i + "@" + domain;
                String sender = to != null ? "user@" + domain : from;
                String id = "<" + UUID.randomUUID() + "@submitload.test>";
                long submitted = System.currentTimeMillis();
                sent.increment();
                perGroupSent.computeIfAbsent(g.name(), k -> new LongAdder()).increment();
                Reply r;
                try {
                    if (s == null) s = open();
                    r = s.send(sender, rcpt, message(id, sender, rcpt, submitted, i));
                } catch (SmtpException e) {
                    r = e.reply;
                    close(s);
                    s = null;
                } catch (IOException e) {
                    ioErrors.increment();
                    count(errorTexts, e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()));
                    close(s);
                    s = null;
                    record(submitted, id, sender, rcpt, g, 0, "io-error " + e.getMessage());
                    continue;
                }
                long took = System.currentTimeMillis() - submitted;
                replyMillis.add(took);
                if (r.code() >= 200 && r.code() < 300) {
                    ok2xx.increment();
                    perGroupOk.computeIfAbsent(g.name(), k -> new LongAdder()).increment();
                } else if (r.code() >= 400 && r.code() < 500) {
                    temp4xx.increment();
                    count(tempTexts, r.code() + " " + r.firstLine());
                    if (r.code() == 421) { close(s); s = null; }
                } else {
                    perm5xx.increment();
                    count(permTexts, r.code() + " " + r.firstLine());
                }
                record(submitted, id, sender, rcpt, g, r.code(), r.firstLine());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (s != null) s.quit();
        }
    }

    Group pick() {
        double total = 0;
        for (Group g : groups) total += g.weight();
        double x = ThreadLocalRandom.current().nextDouble() * total;
        for (Group g : groups) {
            x -= g.weight();
            if (x < 0) return g;
        }
        return groups.get(groups.size() - 1);
    }

    static void count(Map<String, LongAdder> m, String key) {
        String k = key.length() > 120 ? key.substring(0, 120) : key;
        if (m.size() < 50 || m.containsKey(k)) m.computeIfAbsent(k, x -> new LongAdder()).increment();
        else m.computeIfAbsent("(other)", x -> new LongAdder()).increment();
    }

    void record(long submitted, String id, String sender, String rcpt, Group g, int code, String text) {
        if (log == null) return;
        String t = text.replace("\"", "'");
        synchronized (log) {
            try {
                log.write(submitted + "," + id + "," + rcpt + "," + g.name() + "," + code + ","
                        + (System.currentTimeMillis() - submitted) + ",\"" + t + "\"" + (to != null ? "," + sender : "") + "\n");
            } catch (IOException e) {
                System.err.println("log: " + e);
            }
        }
    }

    byte[] message(String id, String sender, String rcpt, long submitted, long i) {
        StringBuilder m = new StringBuilder(size + 512);
        m.append("From: <").append(sender).append(">\r\n")
                .append("To: <").append(rcpt).append(">\r\n")
                .append("Subject: outage replay message ").append(i).append("\r\n")
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now())).append("\r\n")
                .append("Message-ID: ").append(id).append("\r\n")
                .append("X-Submitted-At: ").append(submitted).append("\r\n")
                .append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        int body = 0;
        while (body < size) {
            String line = "Securemail outage replay filler line " + (body / 64) + " abcdefghijklmnopqrstuvwxyz\r\n";
            m.append(line);
            body += line.length();
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------------------------------ SMTP client

    Session open() throws IOException {
        connects.increment();
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress(host, port), 10_000);
        raw.setSoTimeout(replyTimeoutMs);
        raw.setTcpNoDelay(true);
        Session s = new Session(raw);
        try {
            s.expect("greeting", s.read(), 220);
            Reply ehlo = s.command("EHLO submitload.test");
            s.expect("EHLO", ehlo, 250);
            if (startTls) {
                s.expect("STARTTLS", s.command("STARTTLS"), 220);
                s.upgrade(host, port);
                s.expect("EHLO after STARTTLS", s.command("EHLO submitload.test"), 250);
            }
            if (auth) {
                String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
                s.expect("AUTH PLAIN", s.command("AUTH PLAIN " + token), 235);
            }
            return s;
        } catch (IOException e) {
            s.closeQuietly();
            throw e;
        }
    }

    static void close(Session s) {
        if (s != null) s.closeQuietly();
    }

    static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) { }
                public void checkServerTrusted(X509Certificate[] c, String a) { }
                public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final SSLContext TRUST_ALL = trustAll();

    static final class Session {
        Socket socket;
        InputStream in;
        OutputStream out;

        Session(Socket s) throws IOException {
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 8192);
            out = s.getOutputStream();
        }

        void upgrade(String host, int port) throws IOException {
            SSLSocket tls = (SSLSocket) TRUST_ALL.getSocketFactory().createSocket(socket, host, port, true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            socket = tls;
            in = new BufferedInputStream(tls.getInputStream(), 8192);
            out = tls.getOutputStream();
        }

        Reply command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read();
        }

        void expect(String step, Reply r, int code) throws SmtpException {
            if (r.code() != code) throw new SmtpException(step, r);
        }

        /** One transaction; the final reply to the message (or the failing reply of an earlier step). */
        Reply send(String from, String rcpt, byte[] data) throws IOException {
            Reply r = command("MAIL FROM:<" + from + ">");
            if (r.code() != 250) { command("RSET"); return r; }
            r = command("RCPT TO:<" + rcpt + ">");
            if (r.code() != 250 && r.code() != 251) { command("RSET"); return r; }
            r = command("DATA");
            if (r.code() != 354) { command("RSET"); return r; }
            out.write(data);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read();
        }

        Reply read() throws IOException {
            StringBuilder text = new StringBuilder();
            int code;
            while (true) {
                String line = readLine();
                if (line == null) throw new IOException("connection closed by server");
                if (line.length() < 3) throw new IOException("malformed reply: " + line);
                code = Integer.parseInt(line.substring(0, 3));
                if (text.length() > 0) text.append('\n');
                text.append(line.length() > 4 ? line.substring(4) : "");
                if (line.length() == 3 || line.charAt(3) == ' ') break;
            }
            return new Reply(code, text.toString());
        }

        String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
            return null;
        }

        void quit() {
            try {
                command("QUIT");
            } catch (IOException ignored) {
                // closing anyway
            }
            closeQuietly();
        }

        void closeQuietly() {
            try { socket.close(); } catch (IOException ignored) { }
        }
    }

    // ------------------------------------------------------------------------------------------ summary

    static long pct(List<Long> sorted, double q) {
        if (sorted.isEmpty()) return -1;
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    void summary(double seconds) {
        List<Long> r;
        List<Long> late;
        synchronized (replyMillis) { r = new ArrayList<>(replyMillis); }
        synchronized (lateMillis) { late = new ArrayList<>(lateMillis); }
        Collections.sort(r);
        Collections.sort(late);
        long lateOver100 = late.stream().filter(x -> x > 100).count();
        System.out.printf(Locale.ROOT, "SubmitLoad: %.1f s, target %.1f msg/s over %d connections (%d connects), %s:%d%s%n",
                seconds, rate, connections, connects.sum(), host, port, to != null ? ", inbound to " + to + " (groups = senders)" : "");
        System.out.printf(Locale.ROOT, "  sent %d (%.1f/s): 2xx %d, 4xx %d, 5xx %d, io-errors %d%n",
                sent.sum(), sent.sum() / seconds, ok2xx.sum(), temp4xx.sum(), perm5xx.sum(), ioErrors.sum());
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(perGroupSent).entrySet()) {
            LongAdder okg = perGroupOk.get(e.getKey());
            System.out.printf(Locale.ROOT, "  group %-12s sent %d, 2xx %d%n", e.getKey(), e.getValue().sum(), okg == null ? 0 : okg.sum());
        }
        System.out.printf(Locale.ROOT, "  submission reply time ms: p50 %d p90 %d p99 %d max %d; sent late >100 ms: %d%n",
                pct(r, .5), pct(r, .9), pct(r, .99), r.isEmpty() ? -1 : r.get(r.size() - 1), lateOver100);
        printTexts("4xx", tempTexts);
        printTexts("5xx", permTexts);
        printTexts("io-error", errorTexts);
        System.out.printf(Locale.ROOT, "RESULT sent=%d ok=%d temp=%d perm=%d ioerr=%d seconds=%.1f rate=%.2f reply_p50_ms=%d reply_p99_ms=%d late_over_100ms=%d%n",
                sent.sum(), ok2xx.sum(), temp4xx.sum(), perm5xx.sum(), ioErrors.sum(), seconds, sent.sum() / seconds,
                pct(r, .5), pct(r, .99), lateOver100);
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(perGroupSent).entrySet()) {
            LongAdder okg = perGroupOk.get(e.getKey());
            System.out.printf(Locale.ROOT, "RESULT group.%s.sent=%d group.%s.ok=%d%n", e.getKey(), e.getValue().sum(), e.getKey(),
                    okg == null ? 0 : okg.sum());
        }
    }

    static void printTexts(String what, Map<String, LongAdder> m) {
        if (m.isEmpty()) return;
        System.out.println("  " + what + " replies by text:");
        new TreeMap<>(m).forEach((k, v) -> System.out.printf(Locale.ROOT, "    %6d  %s%n", v.sum(), k));
    }
}
