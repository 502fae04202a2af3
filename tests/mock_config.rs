//! A Step Functions Local mock configuration stands in for every integration of a generated
//! machine (through `CatchAll`).

use std::sync::Arc;

use asl::runtime::MockConfig;
use asl::runtime::execution::Runtime;
use asl::runtime::integration::CatchAll;
use serde_json::json;

asl::asl! {
    /// Looks a customer up, retrying a throttled call once.
    pub struct Lookup; {
        "StartAt": "GetCustomer",
        "States": {
            "GetCustomer": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": { "TableName": "customers", "Key": { "id": { "S.$": "$.id" } } },
                "ResultSelector": { "name.$": "$.Item.name.S" },
                "Retry": [ { "ErrorEquals": ["DynamoDB.ThrottlingException"], "IntervalSeconds": 1 } ],
                "End": true
            }
        }
    }
}

const MOCKS: &str = r#"{
  "StateMachines": {
    "Lookup": {
      "TestCases": {
        "ThrottledOnce": { "GetCustomer": "ThrottleThenAnswer" }
      }
    }
  },
  "MockedResponses": {
    "ThrottleThenAnswer": {
      "0": { "Throw": { "Error": "DynamoDB.ThrottlingException", "Cause": "slow down" } },
      "1": { "Return": { "Item": { "name": { "S": "Ada" } } } }
    }
  }
}"#;

#[tokio::test(start_paused = true)]
async fn a_mocked_test_case_drives_retries_and_results() {
    let config = MockConfig::from_json(MOCKS);
    let handler = config.and_then(|c| c.handler("Lookup", "ThrottledOnce"));
    let Ok(handler) = handler else {
        panic!("mock configuration should load: {handler:?}")
    };
    let result = Lookup::run(
        &Runtime::new(),
        Arc::new(CatchAll(handler)),
        json!({ "id": "c-1" }),
    )
    .await;
    assert_eq!(result.output(), Some(&json!({ "name": "Ada" })));
}

asl::asl! {
    /// The same machine under the name its mock configuration uses.
    #[asl(name = "customer-lookup")]
    pub struct NamedLookup; {
        "StartAt": "GetCustomer",
        "States": {
            "GetCustomer": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": { "TableName": "customers", "Key": { "id": { "S.$": "$.id" } } },
                "ResultSelector": { "machine.$": "$$.StateMachine.Name" },
                "End": true
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn the_machine_name_setting_names_the_state_machine() {
    let config = MockConfig::from_json(
        r#"{
          "StateMachines": { "customer-lookup": { "TestCases": { "Found": { "GetCustomer": "Item" } } } },
          "MockedResponses": { "Item": { "0": { "Return": { "Item": {} } } } }
        }"#,
    );
    let Ok(handler) = config.and_then(|c| c.handler("customer-lookup", "Found")) else {
        panic!("mock configuration should load")
    };
    let result = NamedLookup::run(
        &Runtime::new(),
        Arc::new(CatchAll(handler)),
        json!({ "id": "c-1" }),
    )
    .await;
    assert_eq!(
        result.output(),
        Some(&json!({ "machine": "customer-lookup" }))
    );
}
