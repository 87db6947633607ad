using Google.Protobuf;

namespace OnnxOll.Learning.Logging;

/// <summary>Encodes the fields of TensorBoard's <c>Event</c> message (tensorflow/core/util/event.proto) that scalar logging needs.</summary>
/// <remarks>Field numbers: Event.wall_time 1 (double), step 2 (int64), file_version 3 (string), summary 5, session_log 6;
/// Summary.value 1; Summary.Value.tag 1, simple_value 2 (float); SessionLog.status 1 (START = 1).</remarks>
public static class TensorBoardEvent
{
    /// <summary>The file version TensorBoard expects in a file's first event.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The first event of a file: its version.</summary>
    public static byte[] Version(double wallTime) => Event(wallTime, 0, o =>
    {
        o.WriteTag(3, WireFormat.WireType.LengthDelimited);
        o.WriteString(FileVersion);
    }).ToByteArray();

    /// <summary>A session start at <paramref name="step"/>: TensorBoard drops earlier-written events at this step or later (a restart's purge).</summary>
    public static byte[] SessionStart(double wallTime, long step) => Event(wallTime, step, o =>
    {
        o.WriteTag(6, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(Message(s =>
        {
            s.WriteTag(1, WireFormat.WireType.Varint);
            s.WriteEnum(1);
        }));
    }).ToByteArray();

    /// <summary>An event of scalar summaries (tag, value) at <paramref name="step"/>.</summary>
    public static byte[] Scalars(double wallTime, long step, IEnumerable<(string Tag, float Value)> scalars)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        var summary = Message(s =>
        {
            foreach (var (tag, value) in scalars)
            {
                s.WriteTag(1, WireFormat.WireType.LengthDelimited);
                s.WriteBytes(Message(v =>
                {
                    v.WriteTag(1, WireFormat.WireType.LengthDelimited);
                    v.WriteString(tag);
                    v.WriteTag(2, WireFormat.WireType.Fixed32);
                    v.WriteFloat(value);
                }));
            }
        });
        return Event(wallTime, step, o =>
        {
            o.WriteTag(5, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(summary);
        }).ToByteArray();
    }

    private static ByteString Event(double wallTime, long step, Action<CodedOutputStream> body) => Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.Fixed64);
        o.WriteDouble(wallTime);
        if (step != 0)
        {
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt64(step);
        }

        body(o);
    });

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return ByteString.CopyFrom(buffer.ToArray());
    }
}
