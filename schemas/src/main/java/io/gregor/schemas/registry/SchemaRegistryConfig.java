package io.gregor.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How {@link HttpSchemaRegistryClient} reaches a registry, read from properties with Confluent's
 * names where Confluent has one, so an existing {@code schema.registry.*} configuration carries
 * over. The properties are listed in {@code docs/configuration.md}.
 *
 * <p>Secrets (user info, tokens, trust-store passwords) are kept out of {@link #toString()} and
 * out of every exception message.
 */
public final class SchemaRegistryConfig {

  /** One URL or several, comma-separated; tried in order, starting with the last one that answered. */
  public static final String URL = "schema.registry.url";
  /** {@code USER_INFO} (take {@link #BASIC_AUTH_USER_INFO}) or {@code URL} (the URL's user info). */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  /** {@code user:password} for HTTP basic authentication. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  /** Confluent's alias of {@link #BASIC_AUTH_USER_INFO}. */
  public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
  /** {@code STATIC_TOKEN} (send {@link #BEARER_AUTH_TOKEN}); no other source is supported. */
  public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
  /** The bearer token sent as {@code Authorization: Bearer <token>}. */
  public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
  /** A trust store file holding the certificates (or their CA) of an HTTPS registry. */
  public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  /** The password of the trust store file. */
  public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  /** The trust store's type: {@code JKS} (default) or {@code PKCS12}. */
  public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  /** How long connecting to one URL may take, in ms. Default 5000. */
  public static final String CONNECT_TIMEOUT_MS = "gregor.schema.registry.connect.timeout.ms";
  /** How long one request may take, from sending to the full response, in ms. Default 10000. */
  public static final String REQUEST_TIMEOUT_MS = "gregor.schema.registry.request.timeout.ms";
  /** The pause after the first round of failed attempts, in ms; doubles each round. Default 100. */
  public static final String RETRY_BACKOFF_MS = "gregor.schema.registry.retry.backoff.ms";
  /** The longest pause between rounds, in ms. Default 5000. */
  public static final String RETRY_BACKOFF_MAX_MS = "gregor.schema.registry.retry.backoff.max.ms";
  /** How long one call may keep retrying before it fails, in ms; 0 tries each URL once. Default 30000. */
  public static final String RETRY_MAX_TIME_MS = "gregor.schema.registry.retry.max.time.ms";
  /** How many schemas, and how many registrations, each cache keeps. Default 1000. */
  public static final String CACHE_CAPACITY = "gregor.schema.registry.cache.capacity";

  private final List<String> urls;
  private final Optional<String> authorization;
  private final String credentialsSource;
  private final Optional<SSLContext> sslContext;
  private final String trustStore;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Duration retryBackoff;
  private final Duration retryBackoffMax;
  private final Duration retryMaxTime;
  private final int cacheCapacity;

  private SchemaRegistryConfig(Map<String, ?> properties) {
    Properties p = new Properties(properties);
    List<URI> parsed = parseUrls(p.required(URL));
    this.urls = parsed.stream().map(SchemaRegistryConfig::withoutUserInfo).toList();
    String basicSource = p.optional(BASIC_AUTH_CREDENTIALS_SOURCE).map(s -> s.toUpperCase(Locale.ROOT))
        .orElse(parsed.stream().anyMatch(u -> u.getUserInfo() != null) ? "URL" : "");
    String bearerSource = p.optional(BEARER_AUTH_CREDENTIALS_SOURCE).map(s -> s.toUpperCase(Locale.ROOT)).orElse("");
    if (!basicSource.isEmpty() && !bearerSource.isEmpty()) {
      throw new IllegalArgumentException("Expected one of " + BASIC_AUTH_CREDENTIALS_SOURCE + " and "
          + BEARER_AUTH_CREDENTIALS_SOURCE + ", but found both (" + basicSource + " and " + bearerSource + ")");
    }
    this.authorization = authorization(p, parsed, basicSource, bearerSource);
    this.credentialsSource = !basicSource.isEmpty() ? BASIC_AUTH_CREDENTIALS_SOURCE + "=" + basicSource
        : !bearerSource.isEmpty() ? BEARER_AUTH_CREDENTIALS_SOURCE + "=" + bearerSource : "";
    this.trustStore = p.optional(SSL_TRUSTSTORE_LOCATION).orElse("");
    this.sslContext = trustStore.isEmpty() ? Optional.empty() : Optional.of(sslContext(p, trustStore));
    this.connectTimeout = p.millis(CONNECT_TIMEOUT_MS, 5_000, 1);
    this.requestTimeout = p.millis(REQUEST_TIMEOUT_MS, 10_000, 1);
    this.retryBackoff = p.millis(RETRY_BACKOFF_MS, 100, 1);
    this.retryBackoffMax = p.millis(RETRY_BACKOFF_MAX_MS, 5_000, 1);
    this.retryMaxTime = p.millis(RETRY_MAX_TIME_MS, 30_000, 0);
    this.cacheCapacity = (int) p.number(CACHE_CAPACITY, 1_000, 1);
  }

  /**
   * Reads a configuration.
   *
   * @param properties at least {@value #URL}; values are strings or numbers, unknown keys are
   *     ignored (so a whole Kafka client configuration may be passed)
   * @return the configuration
   * @throws IllegalArgumentException naming the property that is missing or malformed, or if the
   *     trust store cannot be read
   */
  public static SchemaRegistryConfig from(Map<String, ?> properties) {
    return new SchemaRegistryConfig(Objects.requireNonNull(properties, "properties"));
  }

  /**
   * A configuration of URLs only, with every other setting at its default.
   *
   * @param url one URL or several, comma-separated; user info in a URL becomes basic authentication
   * @return the configuration
   */
  public static SchemaRegistryConfig forUrl(String url) {
    return from(Map.of(URL, Objects.requireNonNull(url, "url")));
  }

  /** {@return the base URLs, without user info or trailing slashes, in the order given} */
  public List<String> urls() {
    return urls;
  }

  /** {@return which credentials are sent, e.g. {@code basic.auth.credentials.source=USER_INFO}; empty for none} */
  public String credentialsSource() {
    return credentialsSource;
  }

  /** {@return how long connecting to one URL may take} */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** {@return how long one request may take} */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** {@return the pause after the first round of failed attempts} */
  public Duration retryBackoff() {
    return retryBackoff;
  }

  /** {@return the longest pause between rounds of attempts} */
  public Duration retryBackoffMax() {
    return retryBackoffMax;
  }

  /** {@return how long one call may keep retrying} */
  public Duration retryMaxTime() {
    return retryMaxTime;
  }

  /** {@return how many entries each cache of a client keeps} */
  public int cacheCapacity() {
    return cacheCapacity;
  }

  Optional<String> authorization() {
    return authorization;
  }

  Optional<SSLContext> sslContext() {
    return sslContext;
  }

  /** {@return where certificates are trusted from, for messages} */
  String trustDescription() {
    return trustStore.isEmpty() ? "the JDK's default trust store" : "trust store " + trustStore;
  }

  @Override
  public String toString() {
    return "SchemaRegistryConfig[urls=" + urls + (credentialsSource.isEmpty() ? "" : ", " + credentialsSource)
        + (trustStore.isEmpty() ? "" : ", truststore=" + trustStore) + "]";
  }

  private static Optional<String> authorization(
      Properties p, List<URI> urls, String basicSource, String bearerSource) {
    String userInfo = switch (basicSource) {
      case "" -> null;
      case "USER_INFO" -> p.optional(BASIC_AUTH_USER_INFO).or(() -> p.optional(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO))
          .orElseThrow(() -> new IllegalArgumentException("Expected " + BASIC_AUTH_USER_INFO
              + "=user:password with " + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO, but found none"));
      case "URL" -> urls.stream().map(URI::getUserInfo).filter(Objects::nonNull).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("Expected user info in " + URL
              + " (https://user:password@host) with " + BASIC_AUTH_CREDENTIALS_SOURCE + "=URL, but found none"));
      default -> throw new IllegalArgumentException("Expected " + BASIC_AUTH_CREDENTIALS_SOURCE
          + " USER_INFO or URL, but found '" + basicSource + "'");
    };
    if (userInfo != null) {
      return Optional.of("Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }
    return switch (bearerSource) {
      case "" -> Optional.empty();
      case "STATIC_TOKEN" -> Optional.of("Bearer " + p.optional(BEARER_AUTH_TOKEN).orElseThrow(() ->
          new IllegalArgumentException("Expected " + BEARER_AUTH_TOKEN + " with " + BEARER_AUTH_CREDENTIALS_SOURCE
              + "=STATIC_TOKEN, but found none")));
      default -> throw new IllegalArgumentException("Expected " + BEARER_AUTH_CREDENTIALS_SOURCE
          + " STATIC_TOKEN, but found '" + bearerSource + "'");
    };
  }

  private static SSLContext sslContext(Properties p, String location) {
    String type = p.optional(SSL_TRUSTSTORE_TYPE).orElse("JKS");
    char[] password = p.optional(SSL_TRUSTSTORE_PASSWORD).map(String::toCharArray).orElse(null);
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password);
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("Expected a readable " + type + " trust store at " + SSL_TRUSTSTORE_LOCATION
          + "=" + location + " (with " + SSL_TRUSTSTORE_PASSWORD + " if it has one), but found: " + e, e);
    }
  }

  private static List<URI> parseUrls(String value) {
    List<URI> result = new ArrayList<>();
    for (String url : value.split(",")) {
      if (!url.isBlank()) {
        result.add(parseUrl(url.trim()));
      }
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException(
          "Expected a schema registry URL like http://host:8081, but found '" + value + "'");
    }
    return result;
  }

  private static URI parseUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Expected a schema registry URL like http://host:8081, but found '" + url + "'", e);
    }
    String scheme = uri.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "Expected a schema registry URL like http://host:8081, but found '" + url + "'");
    }
    return uri;
  }

  private static String withoutUserInfo(URI uri) {
    String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String url = uri.getScheme() + "://" + uri.getHost() + port + path;
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url;
  }

  /** Reading typed values, with messages naming the property. */
  private record Properties(Map<String, ?> values) {

    Optional<String> optional(String key) {
      Object value = values.get(key);
      return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString().trim());
    }

    String required(String key) {
      return optional(key).orElseThrow(() -> new IllegalArgumentException(
          "Expected " + key + " (e.g. http://localhost:8081), but found none"));
    }

    long number(String key, long defaultValue, long minimum) {
      Optional<String> text = optional(key);
      try {
        long value = text.map(Long::parseLong).orElse(defaultValue);
        if (value >= minimum) {
          return value;
        }
      } catch (NumberFormatException e) {
        // Reported below, with the property's name.
      }
      throw new IllegalArgumentException(
          "Expected " + key + " to be a whole number >= " + minimum + ", but found '" + text.orElse("") + "'");
    }

    Duration millis(String key, long defaultValue, long minimum) {
      return Duration.ofMillis(number(key, defaultValue, minimum));
    }
  }
}
