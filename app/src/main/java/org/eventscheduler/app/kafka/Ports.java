package org.eventscheduler.app.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** The ports this process listens on, fixed before anything binds them (Kafka Streams advertises the admin port). */
public final class Ports {
    private Ports() {
    }

    /** {@code port} if nothing listens on it, or a free port when {@code port} is 0; else a {@link PortInUseException}. */
    public static int resolve(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new PortInUseException(port);
        }
    }

    /** A port this process should listen on is taken: a user error, reported in one line. */
    public static final class PortInUseException extends IllegalStateException {
        public PortInUseException(int port) {
            super("port " + port + " is already in use; stop what listens there or choose another port");
        }
    }
}
