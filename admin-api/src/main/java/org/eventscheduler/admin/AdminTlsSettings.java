package org.eventscheduler.admin;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.pki.PemKeys;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.common.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.eventscheduler.topology.failure.Failures;
import org.eventscheduler.topology.config.InvalidConfigException;

/**
 * HTTPS for the admin server and for the instances' calls to each other ({@code admin.tls.*}), through
 * Helidon's TLS support. The server's certificate and key come from PEM files ({@code certificate},
 * {@code private-key}) or a PKCS#12 key store ({@code keystore}, {@code keystore-password}); {@code ca} is
 * the PEM file of the certificates a peer's certificate must chain to. With {@code client-auth: peers},
 * each instance presents its own certificate to the others, and {@code /internal} refuses a request
 * without a verified client certificate; {@code /admin}, {@code /metrics} and the probes need none.
 *
 * @param enabled          serve HTTPS (and call peers over HTTPS) instead of HTTP
 * @param certificate      PEM file: the server's certificate, then its chain
 * @param privateKey       PEM file: the server's private key (PKCS#8 or PKCS#1, unencrypted)
 * @param keystore         PKCS#12 file with the key and its certificate chain, instead of the two PEM files
 * @param keystorePassword its password (also the key's); never printed
 * @param ca               PEM file of the CA certificates peers' certificates chain to; empty: the JVM's trusted CAs
 * @param clientAuth       {@code none}, or {@code peers}: mutual TLS between instances
 */
public record AdminTlsSettings(boolean enabled, String certificate, String privateKey, String keystore,
                               String keystorePassword, String ca, ClientAuth clientAuth) {
    /** Whether instances prove who they are to each other with their certificates. */
    public enum ClientAuth {
        NONE, PEERS;

        @JsonCreator
        public static ClientAuth of(String value) {
            for (ClientAuth mode : values()) {
                if (mode.code().equals(value)) {
                    return mode;
                }
            }
            throw new InvalidConfigException("client-auth", "must be none or peers, was " + value);
        }

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AdminTlsSettings {
        certificate = certificate == null ? "" : certificate.trim();
        privateKey = privateKey == null ? "" : privateKey.trim();
        keystore = keystore == null ? "" : keystore.trim();
        keystorePassword = keystorePassword == null ? "" : keystorePassword;
        ca = ca == null ? "" : ca.trim();
        clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
        if (enabled) {
            boolean pem = !certificate.isEmpty() || !privateKey.isEmpty();
            require(pem || !keystore.isEmpty(), "certificate",
                    "TLS needs the server's certificate and key: certificate and private-key (PEM), or keystore (PKCS#12)");
            require(!(pem && !keystore.isEmpty()), "keystore", "give either certificate and private-key, or keystore, not both");
            if (pem) {
                require(!certificate.isEmpty(), "certificate", "is required with private-key");
                require(!privateKey.isEmpty(), "private-key", "is required with certificate");
                requireReadable("certificate", certificate);
                requireReadable("private-key", privateKey);
            } else {
                requireReadable("keystore", keystore);
            }
            if (!ca.isEmpty()) {
                requireReadable("ca", ca);
            }
            require(clientAuth == ClientAuth.NONE || !ca.isEmpty(), "ca",
                    "is required with client-auth: peers (the CA the instances' certificates chain to)");
        }
    }

    /** TLS off. */
    public static AdminTlsSettings disabled() {
        return new AdminTlsSettings(false, "", "", "", "", "", ClientAuth.NONE);
    }

    private static void requireReadable(String key, String file) {
        require(Files.isReadable(Path.of(file)), key, "cannot read " + file);
    }

    /** {@code https} or {@code http}. */
    public String scheme() {
        return enabled ? "https" : "http";
    }

    /** The server side: this instance's key and certificate; with {@code client-auth: peers}, a client certificate asked for. */
    public Tls serverTls() {
        return load("the server's key and certificate", builder -> {
            withOwnKey(builder);
            if (!ca.isEmpty()) {
                builder.trust(pemCertificates(ca));
            }
            // OPTIONAL: the CLI, scrapers and probes connect without a certificate; a certificate presented
            // must chain to the CA, and /internal refuses a request that came without one
            builder.clientAuth(clientAuth == ClientAuth.PEERS ? TlsClientAuth.OPTIONAL : TlsClientAuth.NONE);
        });
    }

    /** The client side of peer calls: the CA peers' certificates chain to; with {@code client-auth: peers}, this instance's certificate. */
    public SSLContext peerSslContext() {
        return load("the peers' CA" + (clientAuth == ClientAuth.PEERS ? " and this instance's key" : ""), builder -> {
            if (!ca.isEmpty()) {
                builder.trust(pemCertificates(ca));
            }
            if (clientAuth == ClientAuth.PEERS) {
                withOwnKey(builder);
            }
        }).sslContext();
    }

    /** Whether {@code /internal} needs a verified client certificate. */
    public boolean peersPresentCertificates() {
        return enabled && clientAuth == ClientAuth.PEERS;
    }

    /** An SSL context trusting the CA certificates of a PEM file (the command line's {@code --ca-file}). */
    public static SSLContext trusting(Path caFile) {
        return Tls.builder().trust(pemCertificates(caFile.toString())).build().sslContext();
    }

    private void withOwnKey(TlsConfig.Builder builder) {
        if (!keystore.isEmpty()) {
            KeyStore.PrivateKeyEntry entry = keystoreEntry();
            builder.privateKey(entry.getPrivateKey()).privateKeyCertChain(Arrays.stream(entry.getCertificateChain())
                    .map(X509Certificate.class::cast).toList());
        } else {
            PrivateKey key = pem("admin.tls.private-key", privateKey, p -> p.key(Resource.create(Path.of(privateKey))))
                    .privateKey().orElseThrow(() -> new InvalidConfigException("admin.tls.private-key",
                            "no private key in " + privateKey));
            List<X509Certificate> chain = pem("admin.tls.certificate", certificate,
                    p -> p.certChain(Resource.create(Path.of(certificate)))).certChain();
            require(!chain.isEmpty(), "admin.tls.certificate", "no certificate in " + certificate);
            builder.privateKey(key).privateKeyCertChain(chain);
        }
    }

    /** What Helidon reads from a PEM file; a file it cannot read is one line naming {@code key}. */
    private static Keys pem(String key, String file, java.util.function.Consumer<PemKeys.Builder> what) {
        try {
            return Keys.builder().pem(what).build();
        } catch (RuntimeException e) {
            throw new InvalidConfigException(key, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * The one key of the PKCS#12 key store, with its certificate chain. Read with the JDK's key store
     * (Helidon's key store support wants the key's alias, which a PKCS#12 file from openssl or keytool
     * names differently), so that any one-key store works and a wrong password is an error, not a server
     * without a key.
     */
    private KeyStore.PrivateKeyEntry keystoreEntry() {
        try (InputStream in = Files.newInputStream(Path.of(keystore))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            char[] password = keystorePassword.toCharArray();
            store.load(in, password);
            List<String> keys = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
            if (keys.size() != 1) {
                throw new InvalidConfigException("admin.tls.keystore", keystore + " must hold one private key, holds "
                        + keys.size() + (keys.isEmpty() ? "" : " " + keys));
            }
            return (KeyStore.PrivateKeyEntry) store.getEntry(keys.getFirst(), new KeyStore.PasswordProtection(password));
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidConfigException("admin.tls.keystore", "cannot read the PKCS#12 key store " + keystore
                    + " (is admin.tls.keystore-password right?): " + e.getMessage());
        }
    }

    private static Keys pemCertificates(String file) {
        return pem("admin.tls.ca", file, p -> p.certificates(Resource.create(Path.of(file))));
    }

    /** Builds the TLS configuration; a file Helidon cannot read stops start-up with one line naming admin.tls. */
    private Tls load(String what, java.util.function.Consumer<TlsConfig.Builder> configure) {
        try {
            TlsConfig.Builder builder = Tls.builder();
            configure.accept(builder);
            return builder.build();
        } catch (InvalidConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable root = Failures.rootCause(e);
            throw new InvalidConfigException("admin.tls", "cannot load " + what + ": " + e.getMessage()
                    + (root == e ? "" : " (" + root + ")"));
        }
    }

    /** Every setting but the key store's password. */
    @Override
    public String toString() {
        return "AdminTlsSettings[enabled=" + enabled + ", certificate=" + certificate + ", privateKey=" + privateKey
                + ", keystore=" + keystore + ", keystorePassword=" + (keystorePassword.isEmpty() ? "(none)" : "(hidden)")
                + ", ca=" + ca + ", clientAuth=" + clientAuth.code() + "]";
    }
}
