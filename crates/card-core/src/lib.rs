//! Pure payment card rules shared by the browser module, the sandbox gateway and the payment server.
