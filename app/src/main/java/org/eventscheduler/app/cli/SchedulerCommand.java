package org.eventscheduler.app.cli;

import java.io.PrintWriter;
import org.apache.kafka.common.errors.AuthenticationException;
import org.eventscheduler.app.kafka.Ports;
import org.eventscheduler.app.kafka.TopicProvisioner;
import org.eventscheduler.app.kafka.TriggerPublisher;
import org.eventscheduler.topology.config.InvalidConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code scheduler} command line. Errors a user can act on (bad configuration, a taken port, topics
 * that cannot be created) end the process with one line and exit status 2; the stack trace is for
 * unexpected failures only.
 */
@Command(name = "scheduler", mixinStandardHelpOptions = true, version = "event-scheduler 0.1.0",
        description = "Admits events from Kafka and contains event storms, malformed events and misbehaving sources.",
        subcommands = {RunCommand.class, MirrorCommand.class, OperatorCommands.Status.class, OperatorCommands.Paused.class,
                OperatorCommands.Held.class, OperatorCommands.Pause.class, OperatorCommands.Resume.class, OperatorCommands.Release.class,
                OperatorCommands.Discard.class, OperatorCommands.Dlq.class,
                TriggersCommand.class, TailCommand.class})
public final class SchedulerCommand implements Runnable {
    /** Exit status of a run that failed with a user-facing error. */
    public static final int USER_ERROR = 2;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "say which command to run; see --help");
    }

    public static int execute(String... args) {
        return execute(new CommandLine(new SchedulerCommand()), args);
    }

    /**
     * Runs {@code args} against {@code commandLine}: this command, or this command with more subcommands
     * (the demo module adds {@code demo}), with the same handling of user errors.
     */
    public static int execute(CommandLine commandLine, String... args) {
        commandLine.setExecutionExceptionHandler((exception, cl, parseResult) -> {
            String message = userMessage(exception);
            if (message == null) {
                throw exception;
            }
            PrintWriter err = cl.getErr();
            err.println("scheduler: " + message);
            err.flush();
            return USER_ERROR;
        });
        return commandLine.execute(args);
    }

    private static String userMessage(Exception exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException authentication) {
                // SASL (a wrong password, an unknown user or mechanism) or TLS (a broker certificate not trusted)
                return "Kafka refused to authenticate this client: " + authentication.getMessage()
                        + " (check security.protocol, sasl.mechanism, sasl.jaas.config and ssl.truststore.* in "
                        + "kafka.client-properties)";
            }
        }
        if (exception instanceof InvalidConfigException invalid) {
            return "configuration error: " + invalid.getMessage();
        }
        if (exception instanceof Ports.PortInUseException
                || exception instanceof TopicProvisioner.TopicProvisioningException
                || exception instanceof TriggerPublisher.InvalidTriggerFileException
                || exception instanceof AdminClient.AdminCallException) {
            return exception.getMessage();
        }
        return null;
    }
}
