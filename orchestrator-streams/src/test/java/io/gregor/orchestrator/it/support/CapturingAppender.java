package io.gregor.orchestrator.it.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** A log4j2 appender that keeps what one logger wrote while attached. */
public final class CapturingAppender extends AbstractAppender {
    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final Logger logger;

    private CapturingAppender(Logger logger) {
        super("capture-" + logger.getName(), null, null, true, Property.EMPTY_ARRAY);
        this.logger = logger;
    }

    /**
     * @param loggerName the logger to listen to, e.g. a class name
     * @return the appender, attached; detach it when done
     */
    public static CapturingAppender attachTo(String loggerName) {
        Logger logger = (Logger) LogManager.getLogger(loggerName);
        CapturingAppender appender = new CapturingAppender(logger);
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    @Override
    public void append(LogEvent event) {
        events.add(event.toImmutable());
    }

    /**
     * @param level the level of the messages wanted
     * @return the formatted messages of that level so far
     */
    public List<String> messages(Level level) {
        return events.stream().filter(e -> e.getLevel() == level).map(e -> e.getMessage().getFormattedMessage()).toList();
    }

    /** Stops listening. */
    public void detach() {
        logger.removeAppender(this);
        stop();
    }
}
