package org.securemail.dns.listener;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.nio.NioEventLoopGroup;
import org.securemail.dns.resolve.TestEngine;
import org.securemail.dns.upstream.FakeUpstream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The real engine (cache, caps, failure cache, serve-stale) around a {@link FakeUpstream}, a {@link DnsListener} on
 * free ports in front of it, and a small DNS client over real UDP and TCP sockets (dnsjava's message codec).
 */
final class ListenerFixture implements AutoCloseable {

    static final int WAIT_MILLIS = 3000;

    final FakeUpstream upstream;
    final TestEngine engine;
    final NioEventLoopGroup group = new NioEventLoopGroup(1);
    final DnsListener listener;

    ListenerFixture(FakeUpstream upstream, String... properties) throws InterruptedException {
        this.upstream = upstream;
        String[] all = new String[properties.length + 2];
        all[0] = "dns.listener.port";
        all[1] = "0";
        System.arraycopy(properties, 0, all, 2, properties.length);
        this.engine = new TestEngine(upstream, all);
        this.listener = new DnsListener(engine.config.listener(), engine.lookups, engine.registry, group).start();
    }

    int port() {
        return listener.port();
    }

    static Message query(String name, int type) throws IOException {
        return Message.newQuery(Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type, DClass.IN));
    }

    /** The response to {@code query} over UDP, or null when none came within the wait. */
    Message udp(Message query) throws IOException {
        byte[] reply = udpRaw(query.toWire());
        return reply == null ? null : new Message(reply);
    }

    byte[] udpRaw(byte[] query) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(WAIT_MILLIS);
            socket.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port()));
            byte[] buffer = new byte[65535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException none) {
                return null;
            }
            return java.util.Arrays.copyOf(buffer, packet.getLength());
        }
    }

    /** Sends every query on one connection (pipelined), then reads {@code expected} responses. */
    List<Message> tcp(int expected, byte[]... queries) throws IOException {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            for (byte[] query : queries) {
                out.writeShort(query.length);
                out.write(query);
            }
            out.flush();
            return read(socket, expected);
        }
    }

    Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), WAIT_MILLIS);
        socket.setSoTimeout(WAIT_MILLIS);
        return socket;
    }

    static List<Message> read(Socket socket, int expected) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        List<Message> responses = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            byte[] message = new byte[in.readUnsignedShort()];
            in.readFully(message);
            responses.add(new Message(message));
        }
        return responses;
    }

    @Override
    public void close() {
        listener.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        engine.close();
    }
}
