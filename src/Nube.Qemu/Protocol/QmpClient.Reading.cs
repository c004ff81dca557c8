using System.Text.Json;

namespace Nube.Qemu.Protocol;

/// <summary>The reader loop: the only place that reads the stream; it routes replies and events.</summary>
public sealed partial class QmpClient
{
    private async Task ReadLoopAsync()
    {
        try
        {
            while (await reader.ReadLineAsync(stopReading.Token).ConfigureAwait(false) is { } line)
            {
                Dispatch(ParseMessage(line));
            }

            Terminate(ConnectionState.Closed, new QmpDisconnectedException("QEMU closed the QMP connection"), eof: true);
        }
        catch (Exception) when (stopReading.IsCancellationRequested)
        {
            Terminate(ConnectionState.Closed, new QmpDisconnectedException("the QMP client was disposed"), eof: false);
        }
        catch (QmpProtocolException e)
        {
            Terminate(ConnectionState.Faulted, e, eof: false);
        }
        catch (InvalidDataException e)
        {
            Terminate(ConnectionState.Faulted, new QmpProtocolException($"QMP message exceeds the limit of {MaxMessageBytes} bytes", e), eof: false);
        }
        catch (IOException e)
        {
            Terminate(ConnectionState.Closed, new QmpDisconnectedException($"QMP connection lost: {e.Message}", e), eof: true);
        }
        catch (Exception e)
        {
            // Anything else is a bug here; end the connection rather than leave commands hanging until their timeouts.
            Terminate(ConnectionState.Faulted, new QmpProtocolException($"QMP reader failed: {e.Message}", e), eof: false);
        }
    }

    private void Dispatch(JsonElement message)
    {
        QmpLog.Received(logger, message);
        if (JsonRead.TryGet(message, "event", out _))
        {
            OnEvent(QmpEvent.Parse(message));
        }
        else if (JsonRead.TryGet(message, "return", out _) || JsonRead.TryGet(message, "error", out _))
        {
            OnReply(message);
        }
        else
        {
            QmpLog.UnknownMessage(logger, message);
        }
    }

    private void OnReply(JsonElement message)
    {
        PendingCommand? matched = null;
        PendingCommand? expected;
        lock (sync)
        {
            expected = pending;
            if (expected is not null && JsonRead.GetInt64(message, "id") == expected.Id)
            {
                matched = expected;
                pending = null;
            }
        }

        if (matched is null)
        {
            string replyId = JsonRead.TryGet(message, "id", out var id) ? id.GetRawText() : "(none)";
            QmpLog.DroppedReply(logger, replyId, expected?.Id.ToString() ?? "(none)");
            return;
        }

        matched.Complete(message);
    }

    /// <summary>
    /// Ends the connection once: fails (or, for quit at EOF, completes) the command in flight and
    /// every waiter and ends <see cref="Events"/>, <see cref="Closed"/> completed before them.
    /// </summary>
    private void Terminate(ConnectionState finalState, Exception error, bool eof)
    {
        PendingCommand? inFlight;
        EventWaiter[] waiting;
        lock (sync)
        {
            if (terminalError is not null)
            {
                return;
            }

            terminalError = error;
            state = finalState;
            inFlight = pending;
            pending = null;
            waiting = [.. waiters];
            waiters.Clear();
        }

        // First: whoever sees a command fail or the events end also finds Closed complete.
        closed.TrySetResult();
        if (finalState == ConnectionState.Faulted)
        {
            QmpLog.Faulted(logger, error);
        }
        else
        {
            QmpLog.Closed(logger, error.Message);
        }

        if (inFlight is not null && eof && inFlight.EofIsSuccess)
        {
            inFlight.Complete(JsonRead.EmptyReturn);
        }
        else
        {
            inFlight?.Fail(error);
        }

        foreach (var waiter in waiting)
        {
            waiter.Fail(error);
        }

        events.Writer.TryComplete();
    }
}
