package org.securemail.system;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One authenticated submission session, as a mail client opens it: greeting, EHLO, STARTTLS (any certificate is
 * trusted: the ingress generates a self-signed one in tests), EHLO, AUTH PLAIN; then transactions one after the
 * other on the same connection.
 */
final class SubmissionSession implements AutoCloseable {

    /** An SMTP reply: the code and the text of its last line. */
    record Reply(int code, String text) {
        boolean positive() {
            return code >= 200 && code < 300;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    /** A reply that ended the session setup (greeting, EHLO, STARTTLS or AUTH did not succeed). */
    static final class SetupRefused extends IOException {
        final Reply reply;

        SetupRefused(String step, Reply reply) {
            super(step + ": " + reply);
            this.reply = reply;
        }
    }

    private static final SSLContext TRUST_ALL = trustAll();

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SubmissionSession(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static SubmissionSession open(int port, String user, String password) throws IOException {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        raw.setSoTimeout(60_000);
        raw.setTcpNoDelay(true);
        SubmissionSession session = new SubmissionSession(raw);
        try {
            session.expect("greeting", session.read(), 220);
            session.expect("EHLO", session.command("EHLO outage-it.test"), 250);
            session.expect("STARTTLS", session.command("STARTTLS"), 220);
            SSLSocket tls = (SSLSocket) TRUST_ALL.getSocketFactory().createSocket(raw, "127.0.0.1", port, true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            session.socket = tls;
            session.in = new BufferedInputStream(tls.getInputStream());
            session.out = tls.getOutputStream();
            session.expect("EHLO after STARTTLS", session.command("EHLO outage-it.test"), 250);
            String token = Base64.getEncoder()
                    .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            session.expect("AUTH PLAIN", session.command("AUTH PLAIN " + token), 235);
            return session;
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** One transaction: the reply to the end of DATA, or the first refusing reply (after which RSET is sent). */
    Reply send(String from, String recipient, byte[] message) throws IOException {
        Reply reply = command("MAIL FROM:<" + from + ">");
        if (reply.code() != 250) {
            command("RSET");
            return reply;
        }
        reply = command("RCPT TO:<" + recipient + ">");
        if (reply.code() != 250 && reply.code() != 251) {
            command("RSET");
            return reply;
        }
        reply = command("DATA");
        if (reply.code() != 354) {
            command("RSET");
            return reply;
        }
        out.write(message);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    /** MAIL and RCPT, then RSET: whether this user may send from {@code from} now, without queueing anything. */
    Reply probe(String from, String recipient) throws IOException {
        Reply reply = command("MAIL FROM:<" + from + ">");
        if (reply.code() == 250) {
            reply = command("RCPT TO:<" + recipient + ">");
        }
        command("RSET");
        return reply;
    }

    Reply command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    private void expect(String step, Reply reply, int code) throws SetupRefused {
        if (reply.code() != code) {
            throw new SetupRefused(step, reply);
        }
    }

    private Reply read() throws IOException {
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed by the server");
            }
            if (line.length() < 3) {
                throw new IOException("malformed reply: " + line);
            }
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), line.length() > 4 ? line.substring(4) : "");
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(c);
        }
        return null;
    }

    void quit() {
        try {
            command("QUIT");
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    // test client: trusts the ingress's self-signed certificate
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // test client: trusts the ingress's self-signed certificate
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
