package org.securemail.ingest.smtp;

import org.securemail.common.provisioning.SmtpUserRecord;

/** What a session knows about its client beyond one transaction: listener, address, HELO name, TLS and AUTH. */
public final class SessionState {

    private final Listener listener;
    private final String clientIp;
    private String helo;
    private boolean esmtp;
    private Tls tls;
    private SmtpUserRecord user;

    public SessionState(Listener listener, String clientIp) {
        this.listener = listener;
        this.clientIp = clientIp;
    }

    public Listener listener() {
        return listener;
    }

    public String clientIp() {
        return clientIp;
    }

    /** EHLO ({@code extended}) or HELO accepted. */
    public void greeted(String name, boolean extended) {
        helo = name;
        esmtp = extended;
    }

    /** The EHLO/HELO name, or null before the client introduced itself. */
    public String helo() {
        return helo;
    }

    public boolean esmtp() {
        return esmtp;
    }

    /** TLS is active; RFC 3207 §4.2: everything learnt before the handshake is forgotten. */
    public void tlsStarted(String protocol, String cipher) {
        tls = new Tls(protocol, cipher);
        helo = null;
        esmtp = false;
        user = null;
    }

    public boolean tls() {
        return tls != null;
    }

    /** The negotiated protocol, or null in clear text. */
    public String tlsProtocol() {
        return tls == null ? null : tls.protocol();
    }

    /** The negotiated cipher suite, or null in clear text. */
    public String tlsCipher() {
        return tls == null ? null : tls.cipher();
    }

    public void authenticated(SmtpUserRecord authenticated) {
        user = authenticated;
    }

    /** The authenticated user, or null. */
    public SmtpUserRecord user() {
        return user;
    }

    /** What the STARTTLS handshake negotiated. */
    private record Tls(String protocol, String cipher) {
    }
}
