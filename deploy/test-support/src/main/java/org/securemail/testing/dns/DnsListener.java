package org.securemail.testing.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The sockets of a {@link TestDnsServer}: UDP and TCP on one loopback port. Each DNS message received (a datagram, or
 * one length-prefixed message of a TCP connection, RFC 1035 4.2.2) goes to the {@link Handler} with a way to send the
 * reply back the same way.
 */
final class DnsListener implements AutoCloseable {

    /** Handles one query in wire format; {@code reply} may be called later, from another thread, or never. */
    interface Handler {
        void query(byte[] wire, boolean overTcp, Consumer<byte[]> reply);
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Handler handler;
    private final ExecutorService workers = Executors.newCachedThreadPool(TestDnsServer.daemon("test-dns-worker"));
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final java.util.Set<Integer> udpSourcePorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    private DnsListener(DatagramSocket udp, ServerSocket tcp, Handler handler) {
        this.udp = udp;
        this.tcp = tcp;
        this.handler = handler;
        workers.execute(this::serveUdp);
        workers.execute(this::serveTcp);
    }

    /** Listens on a free loopback port (the same port for UDP and TCP). */
    static DnsListener start(Handler handler) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                return new DnsListener(udp, tcp, handler);
            } catch (IOException taken) {
                if (udp != null) {
                    udp.close();
                }
            }
        }
        throw new IllegalStateException("no free loopback port with both UDP and TCP free");
    }

    InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** The source ports UDP queries came from. */
    java.util.Set<Integer> udpSourcePorts() {
        return java.util.Set.copyOf(udpSourcePorts);
    }

    /** Queries received over TCP. */
    int tcpQueries() {
        return tcpQueries.get();
    }

    private void serveUdp() {
        byte[] buffer = new byte[4096];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException closed) {
                return;
            }
            byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
            SocketAddress from = packet.getSocketAddress();
            udpSourcePorts.add(packet.getPort());
            handler.query(query, false, reply -> {
                try {
                    udp.send(new DatagramPacket(reply, reply.length, from));
                } catch (IOException ignored) {
                    // the client went away
                }
            });
        }
    }

    private void serveTcp() {
        while (running) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException closed) {
                return;
            }
            workers.execute(() -> serveConnection(socket));
        }
    }

    /** One TCP connection: each message is preceded by its length in two bytes, in both directions. */
    private void serveConnection(Socket socket) {
        try (socket; DataInputStream in = new DataInputStream(socket.getInputStream())) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (running) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                tcpQueries.incrementAndGet();
                handler.query(query, true, reply -> {
                    synchronized (out) {
                        try {
                            out.writeShort(reply.length);
                            out.write(reply);
                            out.flush();
                        } catch (IOException ignored) {
                            // connection closed
                        }
                    }
                });
            }
        } catch (IOException closed) {
            // end of connection
        }
    }

    @Override
    public void close() {
        running = false;
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdownNow();
    }
}
