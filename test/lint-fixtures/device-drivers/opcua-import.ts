// Fixture for test/opcua/boundary.test.ts: a driver outside the OPC UA child importing node-opcua.
import { OPCUAClient } from 'node-opcua-client';
export const client = OPCUAClient;
