import { Controller, Get } from '@nestjs/common';
import { Auth, RequireAuth } from 'nestjs-warden';

@Controller('org')
export class OrgController {
  /** Signed out: 401. Signed in without the permission: 403. */
  @RequireAuth({ permission: 'org:invoices:read' })
  @Get('invoices')
  invoices(@Auth('orgId') orgId: string): { orgId: string; invoices: Array<{ id: string; amount: number }> } {
    return {
      orgId,
      invoices: [
        { id: 'inv_001', amount: 4200 },
        { id: 'inv_002', amount: 1300 },
      ],
    };
  }
}
