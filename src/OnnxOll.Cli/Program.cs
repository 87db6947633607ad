Console.WriteLine("onnxoll");
