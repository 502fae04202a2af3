// Reading items from S3 is not compiled yet: the `ItemReader` is reported where it is written.
asl::asl! {
    pub struct FromBucket; {
        "StartAt": "EachObject",
        "States": {
            "EachObject": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:listObjectsV2",
                    "Parameters": { "Bucket": "reports" }
                },
                "ItemProcessor": {
                    "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
                    "StartAt": "Handle",
                    "States": { "Handle": { "Type": "Succeed" } }
                },
                "End": true
            }
        }
    }
}

fn main() {}
