package org.securemail.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal raw SMTP client for system tests: one command, one (possibly multi-line) reply. */
final class SmtpProbe implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    SmtpProbe(int port) throws IOException {
        this(connect(port));
    }

    private SmtpProbe(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(15000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
    }

    /** A probe reading replies from (and writing commands to) a socket the caller also writes to directly. */
    static SmtpProbe over(Socket socket) throws IOException {
        return new SmtpProbe(socket);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }

    /** Reads the reply (the last line of a multi-line reply is returned with the code). */
    String reply() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    String command(String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    /** Opens a session and returns the reply to {@code RCPT TO:<recipient>} after an anonymous MAIL. */
    static String rcptReply(int port, String recipient) throws IOException {
        try (SmtpProbe smtp = new SmtpProbe(port)) {
            smtp.reply();
            smtp.command("EHLO probe.example");
            smtp.command("MAIL FROM:<sender@probe.example>");
            String reply = smtp.command("RCPT TO:<" + recipient + ">");
            smtp.command("QUIT");
            return reply;
        }
    }

    /** Sends one message in one session and returns the reply to the end of DATA. */
    static String send(int port, String sender, String recipient, String message) throws IOException {
        try (SmtpProbe smtp = new SmtpProbe(port)) {
            smtp.reply();
            smtp.command("EHLO probe.example");
            smtp.command("MAIL FROM:<" + sender + ">");
            smtp.command("RCPT TO:<" + recipient + ">");
            String go = smtp.command("DATA");
            if (!go.startsWith("354")) {
                return go;
            }
            String reply = smtp.command(message + ".");
            smtp.command("QUIT");
            return reply;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
