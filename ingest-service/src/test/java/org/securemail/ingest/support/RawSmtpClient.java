package org.securemail.ingest.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A byte-exact SMTP client over a plain socket, for pipelining, smuggling and limit tests. */
public final class RawSmtpClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public RawSmtpClient(int port) throws IOException {
        this(port, null);
    }

    /** Connects from {@code localAddress} (any 127.0.0.0/8 address on Linux), to look like another client. */
    public RawSmtpClient(int port, String localAddress) throws IOException {
        socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public RawSmtpClient timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
        return this;
    }

    /** Sends the text exactly as given (no CRLF added). */
    public RawSmtpClient send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.UTF_8));
    }

    public RawSmtpClient send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** Sends one command line with CRLF and returns its (possibly multi-line) reply. */
    public String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** Reads one complete reply; multi-line replies are joined with \n. Returns null at end of stream. */
    public String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                return lines.isEmpty() ? null : String.join("\n", lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n' && prev == '\r') {
                byte[] bytes = buf.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            buf.write(b);
            prev = b;
        }
    }

    /** Sends EHLO and returns the reply. */
    public String ehlo() throws IOException {
        return command("EHLO client.test");
    }

    /** Reads the greeting, then EHLO. */
    public String greetAndEhlo() throws IOException {
        String greeting = reply();
        if (greeting == null || !greeting.startsWith("220")) {
            throw new IOException("unexpected greeting: " + greeting);
        }
        return ehlo();
    }

    /** Upgrades the connection to TLS (after a 220 to STARTTLS), trusting any certificate. */
    public String upgradeToTls() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        socket = ssl;
        in = ssl.getInputStream();
        out = ssl.getOutputStream();
        return ssl.getSession().getProtocol();
    }

    /** The subject of the server's certificate, after {@link #upgradeToTls()}. */
    public String peerSubject() throws Exception {
        return ((java.security.cert.X509Certificate) ((SSLSocket) socket).getSession().getPeerCertificates()[0])
                .getSubjectX500Principal().getName();
    }

    /** True when the server closed the connection (read returns end of stream). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
