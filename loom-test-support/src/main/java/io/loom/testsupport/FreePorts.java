package io.loom.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds TCP ports on the loopback interface ({@code 127.0.0.1}) that are free at the moment of the call.
 *
 * <p>A port is found by binding a server socket to port 0 and reading the port the operating system chose;
 * the socket is closed before the method returns. Another process may take the port between this call and
 * the moment the caller binds it, so callers should bind soon after asking.
 *
 * <p>Thread-safe: the methods keep no state.
 */
public final class FreePorts {

    private static final InetAddress LOOPBACK = loopback();

    private FreePorts() {
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Returns one port that is free on {@code 127.0.0.1}.
     *
     * @return a port number between 1 and 65535
     * @throws UncheckedIOException if no socket could be bound
     */
    public static int find() {
        return find(1)[0];
    }

    /**
     * Returns {@code count} distinct ports that are free on {@code 127.0.0.1}. All sockets are held open until
     * every port has been chosen, so the ports are pairwise different.
     *
     * @param count how many ports, at least 1
     * @return the port numbers, in no particular order
     * @throws IllegalArgumentException if {@code count} is less than 1
     * @throws UncheckedIOException if no socket could be bound
     */
    public static int[] find(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                // Without SO_REUSEADDR the port is not handed out again while it lingers in TIME_WAIT.
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(LOOPBACK, 0));
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free TCP port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing useful to do: the port is released by the operating system anyway
                }
            }
        }
    }
}
