package io.gregor.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Binding the HTTP API's port, without Kafka. */
class HttpApiServerBindTest {

    @Test
    void aPortInUseFailsNamingThePortAndHowToChooseAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> HttpApiServer.bind("127.0.0.1", port, null, false).close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Expected to serve the HTTP API on 127.0.0.1:" + port)
                    .hasMessageContaining("httpPort");
        }
    }
}
